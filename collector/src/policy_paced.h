// paced: a heap goal on full-page bytes, like Go's GOGC, plus an optional soft
// memory limit. Exposed for tests: the goal computation.
#ifndef CYCLEGC_COLLECTOR_POLICY_PACED_H_
#define CYCLEGC_COLLECTOR_POLICY_PACED_H_

#include <cstddef>

#include "config.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct PacedGoal {
  size_t bytes = 0;  // collect once the estimate exceeds this
  cgc_reason reason = CGC_REASON_HEAP_GOAL;  // or MEMORY_LIMIT if it binds
};

// last = estimate (full-page + external bytes) right after the last
// collection. Heap goal: last + max(last x mem_growth, mem_min). With a soft
// limit L, the goal is also capped at last + max((L - last) / 2, mem_min):
// each cycle may use at most half the remaining headroom, so collections come
// sooner the nearer the live heap gets to L.
PacedGoal ComputePacedGoal(size_t last, const Config& config);

// Young objects between two goal checks: threshold / 2, in [1, 1024].
size_t PacedCheckInterval(size_t threshold);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_POLICY_PACED_H_
