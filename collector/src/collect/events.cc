#include "events.h"

#include <atomic>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "last_error.h"
#include "log.h"

namespace cyclegc::internal {
namespace {

using Callback = void (*)(const cgc_event*, void*);

absl::Mutex g_mu;
std::vector<std::pair<Callback, void*>> g_callbacks ABSL_GUARDED_BY(g_mu);
std::atomic<unsigned> g_debug{0};

double Us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

}  // namespace

void EventsSetDebug(unsigned debug) {
  g_debug.store(debug, std::memory_order_relaxed);
}
unsigned EventsDebug() { return g_debug.load(std::memory_order_relaxed); }

const char* ReasonName(cgc_reason reason) {
  switch (reason) {
    case CGC_REASON_THRESHOLD:
      return "threshold";
    case CGC_REASON_MEMORY_GROWTH:
      return "memory_growth";
    case CGC_REASON_DEFER_CAP:
      return "deferral_cap";
    case CGC_REASON_EXPLICIT:
      return "explicit";
    case CGC_REASON_SHUTDOWN:
      return "shutdown";
    case CGC_REASON_HEAP_GOAL:
      return "heap_goal";
    case CGC_REASON_MEMORY_LIMIT:
      return "memory_limit";
    case CGC_REASON_COUNT_BACKSTOP:
      return "count_backstop";
  }
  return "unknown";
}

std::string FormatStatsLine(const cgc_event& e) {
  return absl::StrFormat(
      "cyclegc: gc #%d reason=%s young=%d visited=%d collected=%d "
      "resurrected=%d "
      "finalized=%d pause=%.1fus (mark=%.1fus resurrect=%.1fus) tts=%.1fus "
      "restart_at=%.1fus duration=%.1fus full_pages=%d->%d",
      e.collection, ReasonName(e.reason), e.young, e.visited, e.collected,
      e.resurrected, e.finalized, Us(e.pause_ns), Us(e.pause_mark_ns),
      Us(e.pause_resurrect_ns), Us(e.time_to_safepoint_ns),
      Us(e.mark_restart_ns), Us(e.duration_ns), e.full_page_bytes_before,
      e.full_page_bytes_after);
}

void FireEvent(const cgc_event& ev) {
  if (ev.kind == CGC_EVENT_STOP && (EventsDebug() & CGC_DEBUG_STATS) != 0) {
    Log(CGC_LOG_INFO, FormatStatsLine(ev));
  }
  // A snapshot, called without the lock: callbacks may (un)register.
  std::vector<std::pair<Callback, void*>> snapshot;
  {
    absl::MutexLock lock(&g_mu);
    if (g_callbacks.empty()) return;
    snapshot = g_callbacks;
  }
  for (const auto& [cb, arg] : snapshot) cb(&ev, arg);
}

void RemoveAllCallbacks() {
  absl::MutexLock lock(&g_mu);
  g_callbacks.clear();
}

}  // namespace cyclegc::internal

extern "C" {

int cgc_callback_add(void (*cb)(const cgc_event*, void*), void* arg) {
  using namespace cyclegc::internal;
  if (cb == nullptr)
    return SetLastError(CGC_EINVAL, "cgc_callback_add: callback is NULL");
  absl::MutexLock lock(&g_mu);
  for (const auto& [c, a] : g_callbacks) {
    if (c == cb && a == arg) {
      return SetLastError(
          CGC_EINVAL,
          "cgc_callback_add: this (callback, arg) pair is already registered");
    }
  }
  g_callbacks.emplace_back(cb, arg);
  return CGC_OK;
}

int cgc_callback_remove(void (*cb)(const cgc_event*, void*), void* arg) {
  using namespace cyclegc::internal;
  absl::MutexLock lock(&g_mu);
  for (auto it = g_callbacks.begin(); it != g_callbacks.end(); ++it) {
    if (it->first == cb && it->second == arg) {
      g_callbacks.erase(it);
      return CGC_OK;
    }
  }
  return SetLastError(
      CGC_EINVAL,
      "cgc_callback_remove: this (callback, arg) pair is not registered");
}

}  // extern "C"
