// Scenario `fire-and-forget`: tasks nobody keeps but the loop (and the weak
// registry), each awaiting an external completion, under continuous automatic
// collection (background 001). With loop_drops_waiting the loop forgets
// waiting tasks, as asyncio does, and the collector frees them mid-flight.
#ifndef TASKRT_SCENARIOS_FIRE_AND_FORGET_H_
#define TASKRT_SCENARIOS_FIRE_AND_FORGET_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

namespace taskrt {

struct FireAndForgetOptions {
  int tasks = 1000;
  int delay_ticks = 3;    // loop iterations until a task's future resolves
  size_t threshold = 16;  // young-count threshold of the count trigger
  bool loop_drops_waiting = false;
};

struct FireAndForgetResult {
  int64_t spawned = 0;
  int64_t registry_live_after_spawn = 0;
  int64_t completed = 0;
  int64_t tasks_destroyed_pending = 0;
  int64_t futures_destroyed_unresolved = 0;
  int64_t completions_dropped = 0;
  uint64_t collections = 0;        // automatic collections during the run
  uint64_t objects_collected = 0;  // by those collections
  int64_t registry_live_after = 0;
  // Runtime objects alive after the run and one cgc_collect().
  int64_t tasks_live_after = 0;
  int64_t futures_live_after = 0;
  int64_t closures_live_after = 0;
};

absl::StatusOr<FireAndForgetResult> RunFireAndForget(
    const FireAndForgetOptions& options);

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_FIRE_AND_FORGET_H_
