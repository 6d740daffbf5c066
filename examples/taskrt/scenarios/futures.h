// Scenario `futures`: chains of tasks, each awaiting the previous task's
// future, with only the last future of each chain kept by the caller
// (background 004). No future may die before it resolves.
#ifndef TASKRT_SCENARIOS_FUTURES_H_
#define TASKRT_SCENARIOS_FUTURES_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

namespace taskrt {

struct FuturesOptions {
  int chains = 1000;
  int length = 2;         // tasks per chain: task k awaits task k-1's future
  size_t threshold = 16;  // young-count threshold of the count trigger
};

struct FuturesResult {
  int64_t chains_resolved = 0;  // last future resolved with the right value
  int64_t wrong_values = 0;
  int64_t completed = 0;  // tasks
  int64_t tasks_destroyed_pending = 0;
  int64_t futures_destroyed_unresolved = 0;
  uint64_t collections = 0;
  // After the caller drops its futures and one cgc_collect().
  int64_t tasks_live_after = 0;
  int64_t futures_live_after = 0;
  int64_t closures_live_after = 0;
};

absl::StatusOr<FuturesResult> RunFutures(const FuturesOptions& options);

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_FUTURES_H_
