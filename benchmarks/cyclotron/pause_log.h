// Pauses of every collection, from the collector's own STOP events.
#ifndef CYCLOTRON_PAUSE_LOG_H_
#define CYCLOTRON_PAUSE_LOG_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "cyclegc/cyclegc.h"

namespace cyclotron {

class PauseLog {
 public:
  // `on_start` (optional) runs at each collection's START event, on the
  // collecting thread: the harness snapshots trash there, at its peak.
  explicit PauseLog(std::function<void()> on_start = nullptr)
      : on_start_(std::move(on_start)) {}
  PauseLog(const PauseLog&) = delete;
  PauseLog& operator=(const PauseLog&) = delete;
  ~PauseLog();

  // Registers with cgc_callback_add; returns its result.
  int Register();
  void Unregister();

  struct Summary {
    int64_t stops = 0;
    double max_ms = 0;
    double p99_ms = 0;
    double total_ms = 0;
  };
  Summary Summarize() const;

  // Exposed for tests: feeds one event as the collector would.
  void OnEvent(const cgc_event& e);

 private:
  static void Trampoline(const cgc_event* e, void* self);
  std::function<void()> on_start_;
  bool registered_ = false;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> pauses_ns_ ABSL_GUARDED_BY(mu_);
};

// The p-th percentile (0..100, nearest rank) of `v`; 0 when empty.
double PercentileNearestRank(std::vector<uint64_t> v, double p);

}  // namespace cyclotron

#endif  // CYCLOTRON_PAUSE_LOG_H_
