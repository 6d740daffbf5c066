// Pauses of every collection, from the collector's own STOP events.
//
// Kept in a fixed-size log-linear histogram, not a list: a run collects up to
// ~10^4 times a second, and a list that grows with every collection is harness
// memory that lands in the measured peak RSS, larger the more often a policy
// collects (it biased count and fullpages against rss by megabytes).
#ifndef CYCLOTRON_PAUSE_LOG_H_
#define CYCLOTRON_PAUSE_LOG_H_

#include <array>
#include <cstdint>
#include <functional>

#include "absl/synchronization/mutex.h"
#include "cyclegc/cyclegc.h"

namespace cyclotron {

// Counts of uint64 values in buckets 1/32 of a power of two wide (values
// below 32 exactly): a quantile read from it is within 1/32 (3.1%) of the
// exact one. 15 KiB, allocated once.
class LogLinearHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;

  void Add(uint64_t v);
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The p-th percentile (0..100, nearest rank): the upper bound of the bucket
  // holding that rank, capped at the exact maximum. 0 when empty.
  uint64_t Percentile(double p) const;

  static int BucketOf(uint64_t v);
  // Largest value that falls in bucket `b`.
  static uint64_t BucketUpper(int b);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

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
    double mean_ms = 0;  // exact
    double p50_ms = 0;   // percentiles within 3.1% (see LogLinearHistogram)
    double p95_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;    // exact
    double total_ms = 0;  // exact
  };
  Summary Summarize() const;

  // Exposed for tests: feeds one event as the collector would.
  void OnEvent(const cgc_event& e);

 private:
  static void Trampoline(const cgc_event* e, void* self);
  std::function<void()> on_start_;
  bool registered_ = false;
  mutable absl::Mutex mu_;
  LogLinearHistogram pauses_ns_ ABSL_GUARDED_BY(mu_);
  uint64_t total_ns_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cyclotron

#endif  // CYCLOTRON_PAUSE_LOG_H_
