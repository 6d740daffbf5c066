// Scenario `threads`: K loops on K threads hand tasks and futures to each
// other while the collector runs. Consumers await futures that producers on
// another thread resolve; odd-numbered threads exit as soon as their loop is
// idle, leaving their objects to the others; the main thread checks results
// made by threads that are gone.
#ifndef TASKRT_SCENARIOS_THREADS_H_
#define TASKRT_SCENARIOS_THREADS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

namespace taskrt {

struct ThreadsOptions {
  int threads = 4;
  int tasks_per_thread = 500;  // consumer/producer pairs each thread spawns
  size_t threshold = 64;       // young-count threshold of the count trigger
};

struct ThreadsResult {
  int64_t tasks_spawned = 0;
  int64_t completed = 0;        // tasks that finished (once each)
  int64_t results_checked = 0;  // consumer futures checked by the main thread
  int64_t results_wrong = 0;
  int64_t results_from_exited_threads = 0;  // made by a thread that had exited
  int64_t threads_exited_mid_run = 0;       // left while tasks were outstanding
  int64_t redirected_posts = 0;
  int64_t tasks_destroyed_pending = 0;
  int64_t futures_destroyed_unresolved = 0;
  int64_t futures_resolved_twice = 0;
  int64_t tasks_stepped_after_done = 0;
  uint64_t collections = 0;
  uint64_t objects_collected = 0;
  // After the caller drops everything and one cgc_collect().
  int64_t tasks_live_after = 0;
  int64_t futures_live_after = 0;
  int64_t closures_live_after = 0;
  int64_t registry_entries_after = 0;
};

absl::StatusOr<ThreadsResult> RunThreads(const ThreadsOptions& options);

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_THREADS_H_
