#include "collect.h"

#include <chrono>
#include <new>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
#include "alloc_hooks/alloc_hooks.h"
#include "census.h"
#include "events.h"
#include "last_error.h"
#include "phases.h"
#include "seams.h"
#include "stats.h"
#include "stop_the_world.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_collect_mu(absl::kConstInit);
thread_local bool t_in_collection = false;

// Stopped-world time and time-to-safepoint of one collection. Each stop ends
// when the world restarts: what the stop found dead is destroyed after that,
// by the collecting thread while the others run, and is not part of it.
struct Pauses {
  uint64_t mark_ns = 0;
  uint64_t mark_restart_ns = 0;  // NowNs() when the marking stop ended
  uint64_t resurrect_ns = 0;
  uint64_t other_ns = 0;  // the extra stop that reaps deferred deaths
  uint64_t max_tts_ns = 0;
};

uint64_t Stop(Pauses& p) {
  uint64_t t0 = NowNs();
  uint64_t tts = StopTheWorld();
  if (tts > p.max_tts_ns) p.max_tts_ns = tts;
  MergeRefcountsWhileStopped();
  return t0;
}

// Objects sit in merge queues when a non-owner dropped what may be their last
// reference; a queue of a thread that is blocked (or parked) drains only when
// the world is stopped, and an object found dead there is destroyed by the
// stopper once the world restarts, which may queue its children in turn. Such
// deaths can take one stop per level of a chain that alternates owners.
inline constexpr int kMaxReapStops = 64;

bool MergesPending() {
  return g_safepoint_word.load(std::memory_order_acquire) >= kPendingMergeUnit;
}

// Before the marking stop: settle queued deaths, so that an object already
// dead does not count as a root keeping cyclic trash alive until next time.
// Returns with the world stopped and refcounts merged.
uint64_t StopSettlingQueuedDeaths(Pauses& p) {
  for (int i = 0;; ++i) {
    uint64_t t0 = NowNs();
    uint64_t tts = StopTheWorld();
    if (tts > p.max_tts_ns) p.max_tts_ns = tts;
    const bool pending = MergesPending();
    MergeRefcountsWhileStopped();
    if (!pending || i == kMaxReapStops) return t0;
    p.other_ns += StartTheWorld() - t0;  // then destroys what the merge found
  }
}

// After the clear pass: the collector's releases of objects owned by other
// threads went to their merge queues; settle them so the collection's result
// (and the census) is exact when cgc_collect returns.
void ReapDeferredDeaths(Pauses& p) {
  for (int i = 0; i < kMaxReapStops && MergesPending(); ++i) {
    uint64_t t0 = Stop(p);
    p.other_ns += StartTheWorld() - t0;
  }
}

// Returns false if the world ran out of memory for the collector's arrays;
// then nothing was freed and the world runs again.
bool IdentifyTrash(CollectionState& st, Pauses& p) {
  uint64_t t0 = StopSettlingQueuedDeaths(p);
  bool ok = WalkHeapsComputingRefs(st);
  st.visited = st.objects.size();
  // Every tracked object is in this collection now; what is allocated from
  // here on is the next one's young.
  if (ok) TriggerOnHeapWalked();
  if (ok) {
    SubtractInternalRefs(st);
    ok = MarkReachableFromRoots(st) && GatherUnreachable(st);
  }
  if (ok) ClearWeakrefsToUnreachable(st);
  st.objects.Release();
  st.stack.Release();
  p.mark_restart_ns = StartTheWorld();
  p.mark_ns = p.mark_restart_ns - t0;
  return ok;
}

size_t RunCollection(cgc_reason reason, const TriggerFigures& figures) {
  const uint64_t start_ns = NowNs();
  cgc_event ev{};
  ev.kind = CGC_EVENT_START;
  ev.reason = reason;
  ev.collection = StatsCollections() + 1;
  ev.young = figures.young;
  ev.deferred_young = figures.deferred_young;
  ev.estimate_now = figures.estimate_now;
  ev.estimate_at_last = figures.estimate_at_last;
  FireEvent(ev);

  ev.full_page_bytes_before = alloc::FullPageBytes();
  CensusBeginCollection();
  const uint64_t deaths_before = StatsCollectedDeaths();
  Pauses p;
  CollectionState st;
  if (IdentifyTrash(st, p)) {
    RunWeakrefCallbacks(&st.callbacks);
    if (RunFinalizers(st) > 0) {
      uint64_t t0 = Stop(p);
      bool ok = DropResurrected(st);
      p.resurrect_ns = StartTheWorld() - t0;
      ev.resurrected = st.resurrected.size();
      ReleaseResurrected(st);
      if (!ok) {
        SetLastError(CGC_ENOMEM,
                     "cgc_collect: out of memory rechecking resurrection");
        AbandonUnreachable(st);
      }
    }
    ClearUnreachable(st);
    ReapDeferredDeaths(p);
  } else {
    SetLastError(CGC_ENOMEM,
                 "cgc_collect: out of memory for the collector's arrays");
  }
  ev.kind = CGC_EVENT_STOP;
  ev.visited = st.visited;
  ev.collected = StatsCollectedDeaths() - deaths_before;
  ev.finalized = st.finalized;
  ev.pause_mark_ns = p.mark_ns;
  ev.pause_resurrect_ns = p.resurrect_ns;
  ev.pause_ns = p.mark_ns + p.resurrect_ns + p.other_ns;
  ev.time_to_safepoint_ns = p.max_tts_ns;
  ev.mark_restart_ns =
      p.mark_restart_ns > start_ns ? p.mark_restart_ns - start_ns : 0;
  ev.full_page_bytes_after = alloc::FullPageBytes();
  ev.duration_ns = NowNs() - start_ns;
  StatsRecordCollection(ev);
  TriggerOnCollectionDone(
      ev.visited - (ev.collected < ev.visited ? ev.collected : ev.visited));
  FireEvent(ev);
  return ev.collected;
}

}  // namespace

uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

bool InCollectionOnThisThread() { return t_in_collection; }

void CollectionAfterForkChild() {
  if (!t_in_collection) new (&g_collect_mu) absl::Mutex();
}

bool RunExclusively(absl::FunctionRef<void()> fn) {
  if (t_in_collection) return false;
  if (!g_collect_mu.TryLock()) {
    // Wait as a stopped thread: the running collection may stop the world.
    cgc_blocking_begin();
    g_collect_mu.Lock();
    g_collect_mu.Unlock();
    cgc_blocking_end();
    return false;
  }
  t_in_collection = true;
  fn();
  t_in_collection = false;
  g_collect_mu.Unlock();
  return true;
}

size_t Collect(cgc_reason reason, const TriggerFigures& figures) {
  if (CurrentThread() == nullptr) {
    SetLastError(CGC_ESTATE, "collection: the calling thread is not attached");
    return 0;
  }
  // Deaths a detaching thread still owes (its final queue drain) belong to
  // this collection's picture of the heap.
  if (!t_in_collection) WaitForDetachingThreads();
  size_t freed = 0;
  RunExclusively([&] { freed = RunCollection(reason, figures); });
  return freed;
}

}  // namespace cyclegc::internal

extern "C" size_t cgc_collect(void) {
  using namespace cyclegc::internal;
  cgc_stats now{};
  TriggerFillStats(&now);
  TriggerFigures figures;
  figures.young = now.young;
  return Collect(CGC_REASON_EXPLICIT, figures);
}
