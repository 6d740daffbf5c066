#include <atomic>
#include <cstdint>

#include "futex.h"
#include "seams.h"
#include "trigger_state.h"

namespace cyclegc::internal {

void RunTriggeredCollection(TriggerState& t, uint64_t epoch,
                            const TriggerSnapshot& s, const Decision& d) {
  uint32_t expected = 0;
  if (!t.collecting.compare_exchange_strong(expected, 1,
                                            std::memory_order_acq_rel)) {
    return;  // another thread's triggered collection is running
  }
  // A collection finished since this thread read the counters: its decision
  // is stale.
  if (t.epoch.load(std::memory_order_acquire) == epoch) {
    TriggerFigures f;
    f.young = s.young;
    f.deferred_young = s.deferred_young;
    f.estimate_now = d.estimate_now;
    f.estimate_at_last = s.estimate_at_last;
    t.triggered.fetch_add(1, std::memory_order_relaxed);
    t_collecting_here = true;
    t.collect(d.reason, f);
    t_collecting_here = false;
  }
  // Wake only a held thread: a futex wake is a system call, and with nobody
  // held (always at 1 thread) it was one per collection. seq_cst pairs with
  // WaitForRunningCollection's count and check: either it sees the
  // collection over, or this sees it counted.
  t.collecting.store(0, std::memory_order_seq_cst);
  if (t.held_now.load(std::memory_order_seq_cst) != 0) {
    FutexWakeAll(&t.collecting);
  }
}

void TriggerAfterForkChild() {
  if (!t_collecting_here) g_trigger.collecting.store(0);
}

}  // namespace cyclegc::internal
