// Biased reference counting slow paths (PEP 703 shape): shared-count updates
// by non-owners, the owner's merge at local zero, weakref increments. The
// merge queues are merge_queue.cc's.
#include "refcount.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "dealloc.h"
#include "log.h"
#include "object.h"
#include "refcount_internal.h"
#include "registry.h"
#include "seams.h"
#include "stop_the_world.h"
#include "stop_the_world_internal.h"
#include "test_points.h"
#include "thread_state.h"

namespace cyclegc::internal {

[[noreturn]] void DieUnderflow(const cgc_object* o) {
  LogF(CGC_LOG_ERROR, "cyclegc: decref below zero on object %p of type '%s'",
       static_cast<const void*>(o), TypeName(o));
  std::abort();
}

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

void HoldForCollection(cgc_object* o) {
  CGC_DCHECK_WORLD_STOPPED();
  if (!HoldForCollectionAsCrew(o, CurrentThreadId())) cgc_incref(o);
}

bool HoldForCollectionAsCrew(cgc_object* o, uintptr_t collector) {
  const uint8_t flags =
      std::atomic_ref<uint8_t>(o->ob_flags_).load(std::memory_order_relaxed);
  const uintptr_t tid = Tid(o).load(std::memory_order_relaxed);
  const intptr_t state =
      Shared(o).load(std::memory_order_relaxed) & kSharedStateMask;
  if (tid == 0 || (flags & (kRefPerThread | kRefInMergeQueue)) != 0 ||
      state == kSharedQueued) {
    return false;
  }
  // The collector's own object gets an owner incref; another's is adopted:
  // the collector becomes its owner, its count the owner's.
  Local(o).store(Local(o).load(std::memory_order_relaxed) + 1,
                 std::memory_order_relaxed);
  if (tid != collector) Tid(o).store(collector, std::memory_order_relaxed);
  return true;
}

void TakeOverSoleReference(cgc_object* o) {
  if (Tid(o).load(std::memory_order_relaxed) != 0) {
    Tid(o).store(CurrentThreadId(), std::memory_order_relaxed);
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
