// One collection, top down (RunCollection below; phases.h has each phase):
//   1. Stop the world, settling deaths already queued
//      (StopSettlingQueuedDeaths, collect_stops.h).
//   2. Walk every GC heap, computing each object's refcount
//      (phase_walk_heaps).
//   3. Subtract references internal to the heap (phase_subtract_refs).
//   4. Mark what the roots reach (phase_mark_reachable); the rest is trash,
//      held by the collector, other threads' objects adopted (the collector
//      owns them) (phase_gather_unreachable); clear weakrefs to it
//      (phase_weakrefs).
//   5. Restart the world. Run weakref callbacks and finalizers (world
//      running, phase_finalize); if any ran, stop again and drop what they
//      resurrected (phase_resurrect).
//   6. Clear the trash (phase_clear); unless each object is then held by the
//      collector alone, stop and keep what the clears resurrected; release
//      the rest (adopted objects die here), and reap what their deaths
//      queued to other threads (ReapDeferredDeaths).
//   7. Report: event, stats, the trigger's baseline (TriggerOnCollectionDone).
// How a collection is asked for, one at a time: collect_entry.cc.
#include "collect.h"

#include <atomic>

#include "alloc_hooks/alloc_hooks.h"
#include "census.h"
#include "collect_stops.h"
#include "cycle_report.h"
#include "events.h"
#include "last_error.h"
#include "phases.h"
#include "registry.h"
#include "seams.h"
#include "stats.h"
#include "stop_the_world.h"

namespace cyclegc::internal {
namespace {

// UnreachableMayRevive (seams.h). Opened by the collecting thread before any
// callback or finalizer can make a weakref to trash, closed with the world
// stopped for the recheck (or before the clears if nothing ran): a getter
// that got a weakref made after either point sees the flag as of then
// (the weakref's stripe lock orders them).
std::atomic<bool> g_unreachable_may_revive{false};
// The running collection's state, for a fork() child whose collecting thread
// is gone: the child frees its arrays. They grow only while the world is
// stopped and are freed under the registry lock (FreeArrays), and fork's
// prepare handler takes that lock: the child sees them whole.
std::atomic<CollectionState*> g_running_state{nullptr};

void FreeArrays(CollectionState& st) {
  ReleaseParts(st);
  st.stack.Release();
  st.unreachable.Release();
  st.resurrected.Release();
}

// Returns false if the world ran out of memory for the collector's arrays;
// then nothing was freed and the world runs again.
bool IdentifyTrash(CollectionState& st, Pauses& p) {
  ExpectCrewParts();
  uint64_t t0 = StopSettlingQueuedDeaths(p);
  OpenCrewParts(st);
  bool ok = WalkHeapsComputingRefs(st);
  st.visited = MemberCount(st);
  // Every tracked object is in this collection now; what is allocated from
  // here on is the next one's young.
  if (ok) TriggerOnHeapWalked();
  ok = ok && SubtractInternalRefs(st) && MarkReachableFromRoots(st) &&
       GatherUnreachable(st);
  CloseCrewParts(st);
  // Weakrefs made to trash later (callbacks, finalizers) are cleared at the
  // recheck, which does not skip.
  if (ok && st.with_weakrefs != 0) ClearWeakrefsToUnreachable(st);
  ReleaseParts(st);
  st.stack.Release();
  p.mark_restart_ns = StartTheWorld();
  p.mark_ns = p.mark_restart_ns - t0;
  return ok;
}

}  // namespace

size_t RunCollection(cgc_reason reason, const TriggerFigures& figures,
                     int* status) {
  const uint64_t start_ns = NowNs();
  cgc_event ev{};
  ev.size = sizeof(cgc_event);
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
  g_running_state.store(&st, std::memory_order_relaxed);
  if (IdentifyTrash(st, p)) {
    if (CyclesEnabled()) {
      CyclesRecordCollection(
          ev.collection,
          absl::MakeConstSpan(st.unreachable.begin(), st.unreachable.size()));
    }
    // Callbacks and finalizers run with the world running: they may have
    // resurrected trash or made new weakrefs to it; recheck both, stopped.
    g_unreachable_may_revive.store(true, std::memory_order_release);
    const size_t callbacks = RunWeakrefCallbacks(&st.callbacks);
    if (RunFinalizers(st) + callbacks > 0) {
      uint64_t t0 = StopAndMerge(p);
      // From here no one gets trash through a weakref: no gap after the
      // recheck in which a callback of a resurrected object's death could.
      g_unreachable_may_revive.store(false, std::memory_order_release);
      bool ok = DropResurrected(st);
      // Their callbacks run once the targets are gone (below), so that no
      // more user code runs between this check and the clears.
      if (ok) ClearWeakrefsToUnreachable(st);
      p.resurrect_ns = StartTheWorld() - t0;
      ev.resurrected = st.resurrected.size();
      ReleaseResurrected(st);
      if (!ok) {
        *status = SetLastError(
            CGC_ENOMEM, "cgc_collect: out of memory rechecking resurrection");
        AbandonUnreachable(st);
      }
    }
    g_unreachable_may_revive.store(false, std::memory_order_release);
    const bool per_thread_members = ClearUnreachable(st);
    // A clear may keep its object (or others of the set) alive: find those
    // while every member is still held, so no death can race the pass, and
    // take them out of the set before the holds go.
    if (!OnlyHeldByCollector(st)) {
      uint64_t t0 = StopAndMerge(p);
      KeepSurvivorsOfClear(st);
      p.other_ns += StartTheWorld() - t0;
      ev.resurrected += st.resurrected.size();
      ReleaseResurrected(st);
    }
    ReleaseUnreachable(st);
    ReapDeferredDeaths(p, per_thread_members);
    RunWeakrefCallbacks(&st.callbacks);
  } else {
    *status = SetLastError(
        CGC_ENOMEM, "cgc_collect: out of memory for the collector's arrays");
  }
  ev.kind = CGC_EVENT_STOP;
  ev.status = *status;
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
  {
    MutatorRegistryReaderLock registry_lock;
    g_running_state.store(nullptr, std::memory_order_relaxed);
    FreeArrays(st);
  }
  return ev.collected;
}

bool UnreachableMayRevive() {
  return g_unreachable_may_revive.load(std::memory_order_acquire);
}

void ForgetRunningCollectionAfterFork() {
  // The parent's collection never finishes here; its trash stays refused
  // (and held: cgc_shutdown frees every object).
  g_unreachable_may_revive.store(false, std::memory_order_relaxed);
  if (CollectionState* st = g_running_state.exchange(nullptr)) {
    FreeArrays(*st);
  }
}

}  // namespace cyclegc::internal
