// One workload thread: attaches, builds units into its holder, drops the
// holder whenever it holds `live` objects, until told to stop.
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
  absl::Mutex mu;
  std::string error ABSL_GUARDED_BY(mu);
};

void RunWorker(PointSpec spec, uint64_t seed, WorkerShared* shared);

}  // namespace cyclotron

#endif  // CYCLOTRON_WORKER_H_
