#include "pause_log.h"

#include <algorithm>
#include <cmath>

namespace cyclotron {

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
  pauses_ns_.push_back(e.pause_ns);
}

double PercentileNearestRank(std::vector<uint64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return static_cast<double>(v[std::min(index, v.size() - 1)]);
}

PauseLog::Summary PauseLog::Summarize() const {
  std::vector<uint64_t> copy;
  {
    absl::MutexLock lock(&mu_);
    copy = pauses_ns_;
  }
  Summary s;
  s.stops = static_cast<int64_t>(copy.size());
  for (uint64_t ns : copy) {
    s.max_ms = std::max(s.max_ms, static_cast<double>(ns) / 1e6);
    s.total_ms += static_cast<double>(ns) / 1e6;
  }
  s.p99_ms = PercentileNearestRank(std::move(copy), 99) / 1e6;
  return s;
}

}  // namespace cyclotron
