// Per-thread reference counts for hot shared objects (the closure shape of
// CPython issue 124218): each thread counts in its own array slot, so threads
// that incref/decref the same object never share a cache line. The object
// keeps its index in ob_ref_local_; the counts are folded into the shared
// count while the world is stopped (where a zero total is detected) and when
// a thread exits.
#include <algorithm>
#include <atomic>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "last_error.h"
#include "object.h"
#include "refcount.h"
#include "registry.h"
#include "stop_the_world_internal.h"
#include "test_points.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_index_mu(absl::kConstInit);
// index -> object (nullptr: free or waiting for the next stopped merge).
std::vector<cgc_object*>* g_objects ABSL_GUARDED_BY(g_index_mu) = nullptr;
std::vector<uint32_t>* g_free ABSL_GUARDED_BY(g_index_mu) = nullptr;
// Released indices some thread may still hold a (stale) count for.
std::vector<uint32_t>* g_pending_free ABSL_GUARDED_BY(g_index_mu) = nullptr;

void EnsureTables() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_index_mu) {
  if (g_objects == nullptr) {
    g_objects = new std::vector<cgc_object*>();
    g_free = new std::vector<uint32_t>();
    g_pending_free = new std::vector<uint32_t>();
  }
}

uint32_t TakeIndexLocked(cgc_object* o)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_index_mu) {
  EnsureTables();
  if (!g_free->empty()) {
    const uint32_t index = g_free->back();
    g_free->pop_back();
    (*g_objects)[index] = o;
    return index;
  }
  g_objects->push_back(o);
  return static_cast<uint32_t>(g_objects->size() - 1);
}

uint32_t IndexOf(const cgc_object* o) {
  return std::atomic_ref<uint32_t>(const_cast<uint32_t&>(o->ob_ref_local_))
      .load(std::memory_order_relaxed);
}

void Grow(ThreadState* ts, size_t min_capacity) {
  const size_t capacity =
      std::max<size_t>({min_capacity, 2 * ts->ptr_capacity, 16});
  auto counts = std::make_unique<std::atomic<int64_t>[]>(capacity);
  for (size_t i = 0; i < capacity; ++i) {
    counts[i].store(i < ts->ptr_capacity
                        ? ts->ptr_counts[i].load(std::memory_order_relaxed)
                        : 0,
                    std::memory_order_relaxed);
  }
  absl::MutexLock lock(&ts->queue_mu);
  ts->ptr_counts.swap(counts);
  ts->ptr_capacity = capacity;
}

// Adds every count `ts` holds to the objects' shared counts and zeroes them.
void FoldCountsLocked(ThreadState& ts)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_index_mu) {
  for (size_t i = 0; i < ts.ptr_capacity; ++i) {
    const int64_t c = ts.ptr_counts[i].load(std::memory_order_relaxed);
    if (c == 0) continue;
    ts.ptr_counts[i].store(0, std::memory_order_relaxed);
    cgc_object* o = i < g_objects->size() ? (*g_objects)[i] : nullptr;
    if (o != nullptr) {
      std::atomic_ref<intptr_t>(o->ob_ref_shared_)
          .fetch_add(static_cast<intptr_t>(c) << kSharedShift,
                     std::memory_order_release);
    }
  }
}

}  // namespace

bool AddPerThreadCount(cgc_object* o, int64_t delta) {
  ThreadState* ts = CurrentThread();
  if (ts == nullptr) return false;
  const uint32_t index = IndexOf(o);
  if (index >= ts->ptr_capacity) Grow(ts, size_t{index} + 1);
  std::atomic<int64_t>& slot = ts->ptr_counts[index];
  slot.store(slot.load(std::memory_order_relaxed) + delta,
             std::memory_order_relaxed);
  return true;
}

int64_t SumPerThreadCounts(const cgc_object* o) {
  const uint32_t index = IndexOf(o);
  int64_t sum = 0;
  auto add = [&](ThreadState& ts) {
    if (index < ts.ptr_capacity)
      sum += ts.ptr_counts[index].load(std::memory_order_relaxed);
  };
  if (CallerIsStopper()) {
    ForEachThread(add);
  } else {
    MutatorRegistryReaderLock registry_lock;
    ForEachThread([&](ThreadState& ts) {
      absl::MutexLock lock(&ts.queue_mu);
      add(ts);
    });
  }
  return sum;
}

void FoldPerThreadCounts(ThreadState* ts) {
  absl::MutexLock lock(&g_index_mu);
  EnsureTables();
  FoldCountsLocked(*ts);
}

bool MergePerThreadCountsWhileStopped() {
  absl::MutexLock lock(&g_index_mu);
  EnsureTables();
  ForEachThread([](ThreadState& ts) { FoldCountsLocked(ts); });
  // Every count is folded: released indices are safe to reuse now.
  g_free->insert(g_free->end(), g_pending_free->begin(), g_pending_free->end());
  g_pending_free->clear();
  bool died = false;
  for (uint32_t i = 0; i < g_objects->size(); ++i) {
    cgc_object* o = (*g_objects)[i];
    if (o == nullptr) continue;
    std::atomic_ref<intptr_t> shared(o->ob_ref_shared_);
    if ((shared.load(std::memory_order_acquire) >> kSharedShift) != 0) continue;
    // Dead: back to plain counting with one count, released on restart.
    (*g_objects)[i] = nullptr;
    g_free->push_back(i);
    ClearRefFlags(o, kRefPerThread);
    std::atomic_ref<uint32_t>(o->ob_ref_local_)
        .store(0, std::memory_order_relaxed);
    shared.store((intptr_t{1} << kSharedShift) | kSharedMerged,
                 std::memory_order_relaxed);
    KeepForReleaseAfterStart(o);
    died = true;
  }
  return died;
}

void ReleasePerThreadIndex(cgc_object* o) {
  if (!HasRefFlags(o, kRefPerThread)) return;
  absl::MutexLock lock(&g_index_mu);
  EnsureTables();
  const uint32_t index = IndexOf(o);
  if (index < g_objects->size() && (*g_objects)[index] == o) {
    (*g_objects)[index] = nullptr;
    g_pending_free->push_back(index);
  }
  ClearRefFlags(o, kRefPerThread);
}

void ResetPerThreadIndices() {
  absl::MutexLock lock(&g_index_mu);
  delete g_objects;
  delete g_free;
  delete g_pending_free;
  g_objects = nullptr;
  g_free = nullptr;
  g_pending_free = nullptr;
}

absl::Mutex& PerThreadIndexMutex() { return g_index_mu; }

void ReinitPerThreadIndexAfterFork() { new (&g_index_mu) absl::Mutex(); }

}  // namespace cyclegc::internal

extern "C" CGC_API int cgc_set_per_thread_refcount(cgc_object* o) {
  namespace ci = cyclegc::internal;
  if (o == nullptr)
    return ci::SetLastError(CGC_EINVAL,
                            "cgc_set_per_thread_refcount: NULL object");
  ci::ThreadState* ts = ci::CurrentThread();
  if (ts == nullptr) {
    return ci::SetLastError(
        CGC_ESTATE,
        "cgc_set_per_thread_refcount: calling thread is not attached "
        "(call cgc_thread_attach first)");
  }
  if (ci::HasRefFlags(o, ci::kRefPerThread)) return CGC_OK;
  std::atomic_ref<uintptr_t> tid(o->ob_tid_);
  uintptr_t owner = tid.load(std::memory_order_relaxed);
  if (owner != 0 && owner != ts->tid) {
    return ci::SetLastError(
        CGC_ESTATE,
        std::string("cgc_set_per_thread_refcount: object of type '") +
            ci::TypeName(o) +
            "' is owned by another thread; call it on the thread that "
            "allocated it");
  }
  // Queued to this thread: merge it now, as the next safepoint would.
  if (owner != 0 && ci::HasRefFlags(o, ci::kRefInMergeQueue)) {
    ci::DrainMergeQueue(ts);
    owner = tid.load(std::memory_order_relaxed);
  }
  // One switch at a time: a second caller for a merged (ownerless) object
  // then sees the flag instead of registering it under a second index.
  absl::MutexLock lock(&ci::g_index_mu);
  if (ci::IsPerThreadCounted(o)) return CGC_OK;
  const uint32_t index = ci::TakeIndexLocked(o);
  // Move the owner's local count into the shared count, unless a non-owner's
  // decref is on its way to the owner ("queued": in a merge batch or between
  // its CAS and the hand-over); that merge would read ob_ref_local_ as a count.
  std::atomic_ref<intptr_t> shared(o->ob_ref_shared_);
  std::atomic_ref<uint32_t> local(o->ob_ref_local_);
  const intptr_t moved = owner != 0 ? local.load(std::memory_order_relaxed) : 0;
  intptr_t old = shared.load(std::memory_order_relaxed);
  do {
    if ((old & ci::kSharedStateMask) == ci::kSharedQueued) {
      (*ci::g_objects)[index] = nullptr;  // never published: reusable now
      ci::g_free->push_back(index);
      return ci::SetLastError(
          CGC_ESTATE,
          std::string("cgc_set_per_thread_refcount: object of type '") +
              ci::TypeName(o) +
              "' has a merge pending (another thread's decref is being "
              "handed to its owner); retry after a cgc_safepoint()");
    }
  } while (!shared.compare_exchange_weak(
      old,
      (((old >> ci::kSharedShift) + moved) << ci::kSharedShift) |
          ci::kSharedMerged,
      std::memory_order_acq_rel));
  // The index before the flag (release): a non-owner that sees the flag
  // (acquire, IsPerThreadCounted) counts in this object's slot.
  local.store(index, std::memory_order_relaxed);
  ci::ReachTestPoint(ci::TestPoint::kPerThreadSwitchMidPublish, o);
  std::atomic_ref<uint8_t>(o->ob_flags_)
      .fetch_or(ci::kRefPerThread, std::memory_order_release);
  tid.store(0, std::memory_order_release);
  return CGC_OK;
}
