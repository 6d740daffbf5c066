#include <atomic>
#include <cstddef>
#include <cstdint>

#include "trigger_state.h"

namespace cyclegc::internal {

// Lowers estimate_at_last to `estimate` if that is lower (policies whose
// baseline follows drops; see Policy::BaselineFollowsDrops). The young
// objects counted so far are inside the lower reading, so they join
// young_before_estimate. A lower baseline only makes the next collection
// earlier, never earlier than the count rule allows. True if it lowered.
bool LowerBaseline(TriggerState& t, size_t estimate) {
  size_t last = t.estimate_at_last.load(std::memory_order_relaxed);
  do {
    if (estimate >= last) return false;
  } while (!t.estimate_at_last.compare_exchange_weak(
      last, estimate, std::memory_order_relaxed));
  size_t young = t.young.Load();
  size_t before = t.young_before_estimate.load(std::memory_order_relaxed);
  while (before < young && !t.young_before_estimate.compare_exchange_weak(
                               before, young, std::memory_order_relaxed)) {
  }
  return true;
}

// A thread's first allocation batch after a collection: by then it has
// drained its merge queue, so the garbage it owned is freed. Offers the
// estimate as the baseline; the last thread to get here sees the settled heap.
void SettleAfterCollection(TriggerState& t, uint64_t epoch) {
  t_settled_epoch = epoch;
  Policy* policy = t.policy.load(std::memory_order_acquire);
  if (policy != nullptr && policy->BaselineFollowsDrops()) {
    // Blocks the collecting thread freed into this thread's full pages keep
    // them counted until mimalloc's next slow path here, so this reading may
    // be high; a later reading below the baseline re-decides (DecideAndAct).
    LowerBaseline(t, policy->EstimateNow());
  }
}

}  // namespace cyclegc::internal
