// The heap goal shared by the memory-driven policies (pressure, paced): how
// far the estimate (full-page + external bytes) may grow past what survived
// the last collection before one is due.
#ifndef CYCLEGC_COLLECTOR_HEAP_GOAL_H_
#define CYCLEGC_COLLECTOR_HEAP_GOAL_H_

#include <cstddef>

#include "config.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct HeapGoal {
  size_t bytes = 0;  // collect once the estimate exceeds this
  cgc_reason reason = CGC_REASON_HEAP_GOAL;  // or MEMORY_LIMIT if it binds
  size_t allowance = 0;  // bytes - last: what a cycle may add
};

// last = estimate right after the last collection. Goal: last +
// max(last x MemGrowth, MemMinFloor), so the trash a cycle may leave grows
// with the live heap and a collection's work (which grows with the live heap
// too) stays linear in allocation. With a soft limit L, the goal is also
// capped at last + max((L - last) / 2, floor): each cycle may use at most half
// the remaining headroom, so collections come sooner near L.
HeapGoal ComputeHeapGoal(size_t last, const Config& config);

// Whether an estimate past the goal asks for a collection: always for the
// heap goal; for the soft limit only with young >= long_lived / 4, so that a
// live heap already over the limit does not collect at every check.
inline bool PastGoalAsksToCollect(const HeapGoal& goal, size_t estimate,
                                  size_t young, size_t long_lived) {
  return estimate > goal.bytes &&
         (goal.reason == CGC_REASON_HEAP_GOAL || young >= long_lived / 4);
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_HEAP_GOAL_H_
