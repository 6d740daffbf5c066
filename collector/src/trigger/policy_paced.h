// paced: a heap goal on full-page bytes (heap_goal.h), like Go's GOGC, checked
// every few young objects. Exposed for tests: the check interval.
#ifndef CYCLEGC_COLLECTOR_POLICY_PACED_H_
#define CYCLEGC_COLLECTOR_POLICY_PACED_H_

#include <cstddef>

namespace cyclegc::internal {

// Young objects between two goal checks: threshold / 2, in [1, 1024].
size_t PacedCheckInterval(size_t threshold);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_POLICY_PACED_H_
