#include "stall_report.h"

#include <pthread.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "registry.h"

namespace cyclegc::internal {
namespace {

std::atomic<uint64_t> g_stall_report_ns{1'000'000'000};

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

void SetStallReportMs(uint64_t ms) {
  g_stall_report_ns.store(ms * 1'000'000, std::memory_order_relaxed);
}

uint64_t StallReportAfterNs() {
  return g_stall_report_ns.load(std::memory_order_relaxed);
}

void ReportStall(uintptr_t stopper_tid, uint64_t waited_ns) {
  const int64_t now = MonotonicNs();
  int reported = 0;
  ForEachThread([&](ThreadState& ts) {
    if (ts.tid == stopper_tid ||
        ts.status.load(std::memory_order_seq_cst) != ThreadStatus::kRunning) {
      return;
    }
    // pthread_getname_np reads /proc/self/task/<tid>/comm for another thread.
    char name[32] = "?";
    if (pthread_getname_np(ts.pthread, name, sizeof(name)) != 0) name[0] = '\0';
    const int64_t since = ts.running_since_ns.load(std::memory_order_relaxed);
    absl::FPrintF(stderr,
                  "cyclegc: stall: a collection has waited %.0f ms for thread "
                  "%d \"%s\" to reach a safepoint or a blocking bracket; it "
                  "has run for %.0f ms since it last parked, left a bracket or "
                  "attached\n",
                  Ms(static_cast<int64_t>(waited_ns)), ts.os_tid, name,
                  Ms(now - since));
    ++reported;
  });
  if (reported == 0) return;
  absl::FPrintF(stderr,
                "cyclegc: stall: bracket blocking calls (lock waits, joins, "
                "sleeps, I/O) with cgc_blocking_begin()/cgc_blocking_end() and "
                "call cgc_safepoint() in long loops; the collection keeps "
                "waiting (CYCLEGC_STALL_REPORT sets when this report comes, "
                "0 turns it off)\n");
}

}  // namespace cyclegc::internal
