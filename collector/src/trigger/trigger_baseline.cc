#include <atomic>
#include <cstddef>
#include <cstdint>

#include "trigger_state.h"

namespace cyclegc::internal {
namespace {

// This thread's estimate after the last collection (FillThreadShare), and
// the collection (epoch) it is for.
thread_local size_t t_thread_at_last = 0;
thread_local uint64_t t_thread_epoch = UINT64_MAX;
// Bytes this thread reported in all, the last heap walk it saw, and its
// total when it first reported after that walk (within a byte step of it).
thread_local uint64_t t_thread_bytes = 0;
thread_local uint64_t t_walk_seen = 0;
thread_local uint64_t t_bytes_at_walk = 0;

}  // namespace

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

void FillThreadShare(TriggerState& t, const Policy& policy, uint64_t epoch,
                     TriggerSnapshot& s) {
  if (t_thread_epoch != epoch) {
    // The first decision since the collection: this thread drained its
    // delayed frees on the byte path, so the reading is its settled heap (a
    // high one from the young path is lowered later).
    t_thread_epoch = epoch;
    // Less what it allocated since the walk: the last collection could not
    // free any of it, and a thread that ran on through another thread's
    // collection would otherwise start its share from there (2 threads,
    // Tim's queue: one heap at 1,788 payloads for a window of 1,000 and a
    // share of 500).
    const size_t now = policy.ThreadEstimateNow();
    const uint64_t since =
        t_walk_seen == t.walks.load(std::memory_order_relaxed)
            ? t_thread_bytes - t_bytes_at_walk
            : 0;
    t_thread_at_last = now > since ? now - since : 0;
    t.threads_deciding.fetch_add(1, std::memory_order_relaxed);
  }
  PeekThreadShare(t, epoch, s);
}

void PeekThreadShare(const TriggerState& t, uint64_t epoch,
                     TriggerSnapshot& s) {
  if (t_thread_epoch != epoch) return;
  // The threads that decided since the last collection, or that many at it:
  // a thread idle since then holds no share, and one that has not decided yet
  // this cycle still counts once it did in the last.
  uint32_t now = t.threads_deciding.load(std::memory_order_relaxed);
  uint32_t last = t.threads_deciding_last.load(std::memory_order_relaxed);
  s.thread_shares = now > last ? now : last;
  s.thread_at_last = t_thread_at_last;
}

void NoteThreadBytes(TriggerState& t, size_t bytes) {
  const uint64_t walks = t.walks.load(std::memory_order_relaxed);
  if (walks != t_walk_seen) {
    t_walk_seen = walks;
    t_bytes_at_walk = t_thread_bytes;
  }
  t_thread_bytes += bytes;
}

void LowerThreadBaseline(size_t thread_estimate) {
  if (thread_estimate < t_thread_at_last) t_thread_at_last = thread_estimate;
}

}  // namespace cyclegc::internal
