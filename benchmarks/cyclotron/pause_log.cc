#include "pause_log.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cyclotron {

int LogLinearHistogram::BucketOf(uint64_t v) {
  if (v < kSub) return static_cast<int>(v);
  const int exp = std::bit_width(v) - 1;  // >= kSubBits
  const int shift = exp - kSubBits;
  const int sub = static_cast<int>((v >> shift) & (kSub - 1));
  return (shift + 1) * kSub + sub;
}

uint64_t LogLinearHistogram::BucketUpper(int b) {
  if (b < kSub) return static_cast<uint64_t>(b);
  const int shift = b / kSub - 1;
  const uint64_t lower = (static_cast<uint64_t>(kSub + b % kSub)) << shift;
  return lower + ((uint64_t{1} << shift) - 1);
}

void LogLinearHistogram::Add(uint64_t v) {
  ++counts_[BucketOf(v)];
  ++count_;
  max_ = std::max(max_, v);
}

uint64_t LogLinearHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const double rank_d = std::ceil(p / 100.0 * static_cast<double>(count_));
  const uint64_t rank = rank_d < 1 ? 1 : static_cast<uint64_t>(rank_d);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::min(BucketUpper(b), max_);
  }
  return max_;
}

PauseLog::~PauseLog() { Unregister(); }

int PauseLog::Register() {
  const int rc = cgc_callback_add(&PauseLog::Trampoline, this);
  registered_ = rc == 0;
  return rc;
}

void PauseLog::Unregister() {
  if (registered_) cgc_callback_remove(&PauseLog::Trampoline, this);
  registered_ = false;
}

void PauseLog::Trampoline(const cgc_event* e, void* self) {
  static_cast<PauseLog*>(self)->OnEvent(*e);
}

void PauseLog::OnEvent(const cgc_event& e) {
  if (e.kind == CGC_EVENT_START) {
    if (on_start_) on_start_();
    return;
  }
  absl::MutexLock lock(&mu_);
  pauses_ns_.Add(e.pause_ns);
  total_ns_ += e.pause_ns;
}

PauseLog::Summary PauseLog::Summarize() const {
  absl::MutexLock lock(&mu_);
  Summary s;
  s.stops = static_cast<int64_t>(pauses_ns_.count());
  s.max_ms = static_cast<double>(pauses_ns_.max()) / 1e6;
  s.p50_ms = static_cast<double>(pauses_ns_.Percentile(50)) / 1e6;
  s.p95_ms = static_cast<double>(pauses_ns_.Percentile(95)) / 1e6;
  s.p99_ms = static_cast<double>(pauses_ns_.Percentile(99)) / 1e6;
  s.total_ms = static_cast<double>(total_ns_) / 1e6;
  s.mean_ms = s.stops > 0 ? s.total_ms / static_cast<double>(s.stops) : 0;
  return s;
}

}  // namespace cyclotron
