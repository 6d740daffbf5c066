// Biased reference counting slow paths (PEP 703 shape): shared-count updates
// by non-owners, the owner's merge at local zero, merge queues.
#include "refcount.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "dealloc.h"
#include "log.h"
#include "object.h"
#include "registry.h"
#include "seams.h"
#include "stop_the_world.h"
#include "stop_the_world_internal.h"
#include "test_points.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

std::atomic_ref<intptr_t> Shared(cgc_object* o) {
  return std::atomic_ref<intptr_t>(o->ob_ref_shared_);
}
std::atomic_ref<uint32_t> Local(cgc_object* o) {
  return std::atomic_ref<uint32_t>(o->ob_ref_local_);
}
std::atomic_ref<uintptr_t> Tid(cgc_object* o) {
  return std::atomic_ref<uintptr_t>(o->ob_tid_);
}

[[noreturn]] void DieUnderflow(const cgc_object* o) {
  LogF(CGC_LOG_ERROR, "cyclegc: decref below zero on object %p of type '%s'",
       static_cast<const void*>(o), TypeName(o));
  std::abort();
}

// Destroys `o` now, or (on the thread that has the world stopped) once the
// world runs again.
void Release(cgc_object* o) {
  if (CallerIsStopper()) {
    Tid(o).store(0, std::memory_order_relaxed);
    Local(o).store(0, std::memory_order_relaxed);
    Shared(o).store((intptr_t{1} << kSharedShift) | kSharedMerged,
                    std::memory_order_relaxed);
    KeepForReleaseAfterStart(o);
  } else {
    Dealloc(o);
  }
}

thread_local MergeBatch* t_merge_batch = nullptr;

// Hands `objects` (each holding one pending decref) to `owner`'s merge queue
// with one lock of each kind. The registry reader lock must be held. Objects
// whose owner is gone, or closed its queue after its final drain, are merged
// here, still under the registry lock, so that no new thread with the same
// thread pointer can attach and count them locally mid-merge; those that
// reach zero are appended to `dead` for the caller to release outside it.
void HandOverLocked(uintptr_t owner, absl::Span<cgc_object* const> objects,
                    std::vector<cgc_object*>* dead) {
  ThreadState* ts = FindThread(owner);
  if (ts != nullptr) {
    absl::MutexLock lock(&ts->queue_mu);
    if (!ts->queue_closed) {
      for (cgc_object* o : objects) SetRefFlags(o, kRefInMergeQueue);
      ts->merge_queue.insert(ts->merge_queue.end(), objects.begin(),
                             objects.end());
      if (!ts->merge_pending.exchange(true, std::memory_order_release)) {
        g_safepoint_word.fetch_add(kPendingMergeUnit,
                                   std::memory_order_release);
      }
      return;
    }
  }
  for (cgc_object* o : objects) {
    if (ExplicitMerge(o, -1) == 0) dead->push_back(o);
  }
}

// A non-owner found the shared count at zero: hand the object (and the count
// the queue now holds) to its owner, or merge at once if the owner is gone.
void QueueForMerge(cgc_object* o) {
  const uintptr_t owner = Tid(o).load(std::memory_order_relaxed);
  if (CallerIsStopper()) {  // the stopper holds the registry lock already
    if (ExplicitMerge(o, -1) == 0) Release(o);
    return;
  }
  if (t_merge_batch != nullptr && t_merge_batch->Add(owner, o)) return;
  std::vector<cgc_object*> dead;
  {
    MutatorRegistryReaderLock registry_lock;
    HandOverLocked(owner, absl::MakeConstSpan(&o, 1), &dead);
  }
  for (cgc_object* d : dead) Release(d);  // outside the lock: may queue more
}

}  // namespace

MergeBatch::MergeBatch() {
  if (t_merge_batch == nullptr) {
    t_merge_batch = this;
    active_ = true;
    ts_ = CurrentThread();
    if (ts_ != nullptr) ts_->merge_batch.store(this, std::memory_order_relaxed);
  }
}

MergeBatch::~MergeBatch() {
  if (!active_) return;
  Flush();
  if (ts_ != nullptr)
    ts_->merge_batch.store(nullptr, std::memory_order_relaxed);
  t_merge_batch = nullptr;
}

bool MergeBatch::Add(uintptr_t owner, cgc_object* o) {
  if (!active_) return false;
  BeginChange();
  bool added = true;
  try {
    bool found = false;
    for (auto& [batch_owner, objects] : by_owner_) {
      if (batch_owner == owner) {
        objects.push_back(o);
        found = true;
        break;
      }
    }
    if (!found) by_owner_.emplace_back(owner, std::vector<cgc_object*>{o});
  } catch (const std::bad_alloc&) {
    added = false;  // the caller hands it over alone, needing no memory here
  }
  EndChange();
  return added;
}

void MergeBatch::Flush() {
  // Releasing the dead may queue more (their destroy drops references): loop
  // until nothing is left.
  while (!by_owner_.empty()) {
    {
      MutatorRegistryReaderLock registry_lock;
      for (auto& [owner, objects] : by_owner_) {
        HandOverLocked(owner, objects, &dead_);
      }
      // Emptied under the lock fork()'s prepare handler takes: a child finds
      // each object in the batch or handed over, never both.
      decltype(by_owner_)().swap(by_owner_);
    }
    // A fork() child that finds some of these unreleased lets its first
    // collection free them (tracked, count zero).
    for (cgc_object* d : dead_) Release(d);
    BeginChange();
    std::vector<cgc_object*>().swap(dead_);
    EndChange();
  }
}

void MergeBatch::TakeAfterFork(std::vector<cgc_object*>* out) {
  if (changing_.load(std::memory_order_relaxed)) return;
  for (auto& [owner, objects] : by_owner_) {
    out->insert(out->end(), objects.begin(), objects.end());
  }
  decltype(by_owner_)().swap(by_owner_);
  std::vector<cgc_object*>().swap(dead_);
}

intptr_t ExplicitMerge(cgc_object* o, intptr_t extra) {
  // Take the owner's count and clear the owner fields BEFORE publishing the
  // merged count: once it is published another thread may release the object
  // and free the block, and mimalloc reuses word 0 (ob_tid_) as its free-list
  // link. Callers are the owner or the stopper, or a non-owner once the owner
  // is gone, so no one updates ob_ref_local_ meanwhile; non-owners seeing
  // ob_tid_ == 0 early take the shared path, which the CAS below accounts for.
  const intptr_t local = Local(o).load(std::memory_order_relaxed);
  Local(o).store(0, std::memory_order_relaxed);
  Tid(o).store(0, std::memory_order_relaxed);
  intptr_t shared = Shared(o).load(std::memory_order_relaxed);
  intptr_t count;
  intptr_t merged;
  do {
    count = (shared >> kSharedShift) + local + extra;
    merged = (count << kSharedShift) | kSharedMerged;
  } while (!Shared(o).compare_exchange_weak(shared, merged,
                                            std::memory_order_acq_rel));
#ifndef NDEBUG
  if (count < 0) DieUnderflow(o);  // more releases than references
#endif
  return count;
}

std::atomic<int> g_drains_in_flight{0};

bool DrainMergeQueue(ThreadState* ts) {
  std::vector<cgc_object*> queue;
  DrainFrame frame;
  frame.objects = &queue;
  frame.outer = ts->draining.load(std::memory_order_relaxed);
  bool queue_was_empty = true;
  {
    absl::MutexLock lock(&ts->queue_mu);
    queue.swap(ts->merge_queue);
    // Counted before the pending mark goes: a collection that sees no merge
    // pending can still wait for the deaths this drain is about to run.
    if (!queue.empty())
      g_drains_in_flight.fetch_add(1, std::memory_order_acq_rel);
    queue_was_empty = queue.empty();
    if (ts->merge_pending.exchange(false, std::memory_order_acq_rel)) {
      g_safepoint_word.fetch_sub(kPendingMergeUnit, std::memory_order_release);
    }
    // Published with the swap: a fork() sees the objects in one place or
    // the other.
    ts->draining.store(&frame, std::memory_order_relaxed);
  }
  bool died = false;
  for (size_t i = 0; i < queue.size(); ++i) {
    frame.next.store(i + 1, std::memory_order_relaxed);
    cgc_object* o = queue[i];
    ClearRefFlags(o, kRefInMergeQueue);
    if (ExplicitMerge(o, -1) == 0) {
      Release(o);
      died = true;
    }
  }
  if (queue.capacity() == 0) {
    ts->draining.store(frame.outer, std::memory_order_relaxed);
  } else {
    // fork()'s prepare handler holds every queue_mu: a child sees the frame
    // published with its array, or neither (it frees a vanished drain's).
    absl::MutexLock lock(&ts->queue_mu);
    ts->draining.store(frame.outer, std::memory_order_relaxed);
    std::vector<cgc_object*>().swap(queue);
  }
  if (!queue_was_empty) {
    g_drains_in_flight.fetch_sub(1, std::memory_order_acq_rel);
  }
  return died;
}

void DrainsAfterForkChild(const ThreadState* self) {
  int mine = 0;
  if (self != nullptr) {
    for (DrainFrame* f = self->draining.load(std::memory_order_relaxed);
         f != nullptr; f = f->outer) {
      if (!f->objects->empty()) ++mine;
    }
  }
  g_drains_in_flight.store(mine, std::memory_order_relaxed);
}

bool DrainsInFlight() {
  return g_drains_in_flight.load(std::memory_order_acquire) != 0;
}

bool MergeRefcountsWhileStopped() {
  bool died = false;
  ForEachThread([&](ThreadState& ts) { died = DrainMergeQueue(&ts) || died; });
  return MergePerThreadCountsWhileStopped() || died;
}

void SetMaybeWeakref(cgc_object* o) {
  intptr_t shared = Shared(o).load(std::memory_order_relaxed);
  do {
    // Queued, merged or already flagged: deaths are decided by CAS already.
    if ((shared & kSharedStateMask) != 0) return;
  } while (!Shared(o).compare_exchange_weak(
      shared, shared | kSharedMaybeWeakref, std::memory_order_acq_rel));
}

bool TryIncref(cgc_object* o) {
  const uint8_t bits = GcBits(o);
  if ((bits & kGcDying) != 0) return false;
  // A weakref made to trash by a clear, or by a callback of a death the clears
  // cause, would hand out an object being (or already) cleared.
  if ((bits & kGcUnreachable) != 0 && !UnreachableMayRevive()) return false;
  if (IsPerThreadCounted(o)) return AddPerThreadCount(o, 1);
  if (Tid(o).load(std::memory_order_relaxed) == CurrentThreadId()) {
    const uint32_t local = Local(o).load(std::memory_order_relaxed);
    if (local == 0) return false;
    Local(o).store(local + 1, std::memory_order_relaxed);
    return true;
  }
  intptr_t shared = Shared(o).load(std::memory_order_relaxed);
  for (;;) {
    // Zero and merged (or never flagged for weakrefs): it is dying.
    if (shared == 0 || shared == kSharedMerged) return false;
    if (Shared(o).compare_exchange_weak(shared,
                                        shared + (intptr_t{1} << kSharedShift),
                                        std::memory_order_acq_rel)) {
      return true;
    }
  }
}

size_t TotalRefcount(const cgc_object* o) { return TotalRefcountInline(o); }

bool CallerHoldsSoleReference(const cgc_object* co) {
  auto* o = const_cast<cgc_object*>(co);
  if ((std::atomic_ref<uint8_t>(o->ob_flags_).load(std::memory_order_acquire) &
       (kRefPerThread | kRefInMergeQueue)) != 0) {
    return false;
  }
  const uintptr_t tid = Tid(o).load(std::memory_order_relaxed);
  const intptr_t shared = Shared(o).load(std::memory_order_acquire);
  // Merged: the shared count is the whole count.
  if (tid == 0) {
    return shared == ((intptr_t{1} << kSharedShift) | kSharedMerged);
  }
  // Owned by the caller: only it changes the local count, so local + shared
  // read here is a snapshot at the shared load (non-owners queue rather than
  // take the shared count below zero).
  if (tid != CurrentThreadId()) return false;
  const intptr_t state = shared & kSharedStateMask;
  return (state == 0 || state == kSharedMaybeWeakref) &&
         (shared >> kSharedShift) == 0 &&
         Local(o).load(std::memory_order_relaxed) == 1;
}

}  // namespace cyclegc::internal

using cyclegc::internal::kSharedMerged;
using cyclegc::internal::kSharedShift;
using cyclegc::internal::kSharedStateMask;

extern "C" {

CGC_API uintptr_t cgc_thread_id_slow_(void) {
  static thread_local char anchor;
  return reinterpret_cast<uintptr_t>(&anchor);
}

CGC_API void cgc_decref_underflow_(cgc_object* o) {
  cyclegc::internal::DieUnderflow(o);
}

CGC_API void cgc_incref_shared_(cgc_object* o) {
  namespace ci = cyclegc::internal;
  if (ci::IsPerThreadCounted(o) && ci::AddPerThreadCount(o, 1)) return;
  ci::Shared(o).fetch_add(intptr_t{1} << kSharedShift,
                          std::memory_order_relaxed);
}

CGC_API void cgc_decref_shared_(cgc_object* o) {
  namespace ci = cyclegc::internal;
  if (ci::IsPerThreadCounted(o)) {
    // Zero is only detected when counts merge (a stopped world).
    if (!ci::AddPerThreadCount(o, -1)) {
      ci::Shared(o).fetch_sub(intptr_t{1} << kSharedShift,
                              std::memory_order_release);
    }
    return;
  }
  intptr_t shared = ci::Shared(o).load(std::memory_order_relaxed);
  intptr_t desired;
  bool queue;
  do {
    // Unmerged and at zero: the owner still holds local counts, or the total
    // reached zero; only the owner can tell, so queue it (keeping this count).
    queue = shared == 0 || shared == ci::kSharedMaybeWeakref;
    desired =
        queue ? ci::kSharedQueued : shared - (intptr_t{1} << kSharedShift);
#ifndef NDEBUG
    if ((shared & kSharedStateMask) == kSharedMerged &&
        desired < kSharedMerged) {
      ci::DieUnderflow(o);
    }
#endif
  } while (!ci::Shared(o).compare_exchange_weak(shared, desired,
                                                std::memory_order_acq_rel));
  if (queue) {
    ci::ReachTestPoint(ci::TestPoint::kDecrefQueuedBeforeHandOver, o);
    ci::QueueForMerge(o);
  } else if (desired == kSharedMerged) {
    ci::Release(o);
  }
}

CGC_API void cgc_merge_zero_local_(cgc_object* o) {
  namespace ci = cyclegc::internal;
  intptr_t shared = ci::Shared(o).load(std::memory_order_acquire);
  if (shared == 0) {  // no other thread ever counted it
    ci::Release(o);
    return;
  }
  ci::Tid(o).store(0, std::memory_order_relaxed);
  intptr_t desired;
  do {
    desired = (shared & ~kSharedStateMask) | kSharedMerged;
  } while (!ci::Shared(o).compare_exchange_weak(shared, desired,
                                                std::memory_order_acq_rel));
#ifndef NDEBUG
  if (desired < 0) ci::DieUnderflow(o);  // more releases than references
#endif
  if (desired == kSharedMerged) ci::Release(o);
}

CGC_API size_t cgc_refcount(const cgc_object* o) {
  return o == nullptr ? 0 : cyclegc::internal::TotalRefcount(o);
}

}  // extern "C"
