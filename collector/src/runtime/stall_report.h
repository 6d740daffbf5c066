// The stall report: a stop that waits long for a thread which neither polls
// a safepoint nor sits in a blocking bracket would hang the process silently;
// after the configured wait the stopper names that thread on stderr, once per
// stop, and keeps waiting (a diagnostic, not a timeout).
#ifndef CYCLEGC_COLLECTOR_STALL_REPORT_H_
#define CYCLEGC_COLLECTOR_STALL_REPORT_H_

#include <chrono>
#include <cstdint>

#include "thread_state.h"

namespace cyclegc::internal {

// cgc_init: the wait before a report, in milliseconds; 0 turns it off.
void SetStallReportMs(uint64_t ms);
// The wait in nanoseconds (0 = off).
uint64_t StallReportAfterNs();

inline int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The thread was last seen stopped (attach, park, bracket end) now: the
// report says how long it has run since.
inline void NoteRunningFromNow(ThreadState* ts) {
  ts->running_since_ns.store(MonotonicNs(), std::memory_order_relaxed);
}

// The stopper, world stopping (registry held), `waited_ns` into the stop:
// prints every other thread that still runs, and the hint.
void ReportStall(uintptr_t stopper_tid, uint64_t waited_ns);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STALL_REPORT_H_
