// One workload thread: attaches, runs the workload's own loop until told to
// stop, reports what it created and held, detaches.
#ifndef CYCLOTRON_WORKER_H_
#define CYCLOTRON_WORKER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "point_spec.h"

namespace cyclotron {

struct WorkerShared {
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  int64_t objects_target = 0;
  absl::Time start;
  // Objects created by all workers, flushed in batches.
  std::atomic<int64_t> created{0};
  // Nanoseconds from start until `objects_target` was reached; -1 before.
  std::atomic<int64_t> target_ns{-1};
  // The live set: the sum over threads of each thread's most held, added as
  // each thread finishes.
  std::atomic<int64_t> live_objects{0};
  std::atomic<int64_t> live_bytes{0};
  absl::Mutex mu;
  std::string error ABSL_GUARDED_BY(mu);
};

void RunWorker(PointSpec spec, uint64_t seed, WorkerShared* shared);

}  // namespace cyclotron

#endif  // CYCLOTRON_WORKER_H_
