// The death of an object: finalize (once), weakref/census notice, clear,
// destroy, free. Recursion through clear/destroy is bounded like CPython's
// trashcan: past kMaxDeallocDepth nested deaths, objects wait on a per-thread
// list (linked through ob_tid_) that the outermost Dealloc drains.
#include "dealloc.h"

#include <atomic>

#include "alloc_hooks/alloc_hooks.h"
#include "object.h"
#include "refcount.h"
#include "seams.h"
#include "test_points.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

// Runs the finalizer with the object temporarily alive (one owner count on
// this thread).
void RunFinalizer(cgc_object* o, const cgc_type* type) {
  SetGcBits(o, kGcFinalized);
  std::atomic_ref<uintptr_t>(o->ob_tid_)
      .store(CurrentThreadId(), std::memory_order_relaxed);
  std::atomic_ref<uint32_t>(o->ob_ref_local_)
      .store(1, std::memory_order_relaxed);
  // Unmerged shared count zero; keep the weakref flag so that a resurrected
  // object stays reachable through cgc_weakref_get on other threads
  // (TryIncref treats a plain zero as dying).
  std::atomic_ref<intptr_t>(o->ob_ref_shared_)
      .store(HasGcBits(o, kGcHasWeakrefs) ? kSharedMaybeWeakref : 0,
             std::memory_order_relaxed);
  ClearGcBits(o, kGcDying);
  type->finalize(o);
  // Tracked again before our count goes, whether or not it was resurrected:
  // a weakref holder may still take a reference up to that decref, and an
  // untracked survivor would leak every cycle through it. If the count was
  // the last, the object comes back here (finalized) and is untracked again.
  // (An object from cgc_alloc_untracked stays untracked: no walk sees it.)
  if (type->traverse != nullptr && !HasGcBits(o, kGcNeverTracked)) {
    cgc_track(o);
  }
  ReachTestPoint(TestPoint::kFinalizerBeforeDrop, o);
  cgc_decref(o);
}

// ts: the calling thread's state (nullptr if unattached).
void DeallocNow(cgc_object* o, ThreadState* ts) {
  const cgc_type* type = TypeOf(o);
  if (type->finalize != nullptr && !HasGcBits(o, kGcFinalized)) {
    RunFinalizer(o, type);  // its decref re-enters Dealloc unless resurrected
    return;
  }
  if (HasGcBits(o, kGcHasWeakrefs | kGcUnreachable)) NotifyObjectDeath(o, ts);
  if (type->clear != nullptr) type->clear(o);
  if (type->destroy != nullptr) type->destroy(o);
  ReleasePerThreadIndex(o);
  SetType(o, nullptr);
  alloc::GcFree(o);
}

cgc_object* NextDeferred(const cgc_object* o) {
  return reinterpret_cast<cgc_object*>(
      std::atomic_ref<uintptr_t>(const_cast<uintptr_t&>(o->ob_tid_))
          .load(std::memory_order_relaxed));
}

void DrainDeferred(ThreadState* ts) {
  while (ts->dealloc_later != nullptr) {
    cgc_object* next = ts->dealloc_later;
    ts->dealloc_later = NextDeferred(next);
    DeallocNow(next, ts);
  }
}

}  // namespace

void AdoptDeferredDeaths(ThreadState* vanished, ThreadState* to) {
  cgc_object* o = vanished->dealloc_later;
  vanished->dealloc_later = nullptr;
  while (o != nullptr) {
    cgc_object* next = NextDeferred(o);
    if (to != nullptr) {
      std::atomic_ref<uintptr_t>(o->ob_tid_)
          .store(reinterpret_cast<uintptr_t>(to->dealloc_later),
                 std::memory_order_relaxed);
      to->dealloc_later = o;
    } else {
      DeallocNow(o, CurrentThread());
    }
    o = next;
  }
}

void RunDeferredDeaths() {
  ThreadState* ts = CurrentThread();
  if (ts == nullptr || ts->dealloc_depth != 0) return;
  ++ts->dealloc_depth;
  DrainDeferred(ts);
  --ts->dealloc_depth;
}

void Dealloc(cgc_object* o) {
  ThreadState* ts = CurrentThread();
  // Not visible to the collector from here on; a tracked death is a young -1.
  const uint8_t old = StoreGcBitsExclusive(o, kGcDying, kGcTracked);
  if ((old & kGcTracked) != 0) AddYoung(ts, -1);
  if (ts == nullptr) {  // unattached thread: no trashcan state
    DeallocNow(o, nullptr);
    return;
  }
  if (ts->dealloc_depth >= kMaxDeallocDepth) {
    std::atomic_ref<uintptr_t>(o->ob_tid_)
        .store(reinterpret_cast<uintptr_t>(ts->dealloc_later),
               std::memory_order_relaxed);
    ts->dealloc_later = o;
    return;
  }
  ++ts->dealloc_depth;
  DeallocNow(o, ts);
  if (ts->dealloc_depth == 1) DrainDeferred(ts);
  --ts->dealloc_depth;
}

}  // namespace cyclegc::internal
