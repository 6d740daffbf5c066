// Biased reference counting (PEP 703) and per-thread counts: the slow paths
// behind the inline fast paths of cyclegc/internal/refcount_inl.h.
//
// Encoding: ob_ref_local_ is the owner's count (owner = ob_tid_, a thread
// pointer). ob_ref_shared_ = (count << kSharedShift) | state. The shared count
// may go negative while the object is unmerged; when a non-owner decref would
// take it below zero, the object is queued to its owner instead (the queue
// holds that count) and the owner merges it at a safepoint. Merged objects have
// ob_tid_ == 0 and live on the shared count alone.
#ifndef CYCLEGC_COLLECTOR_REFCOUNT_H_
#define CYCLEGC_COLLECTOR_REFCOUNT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "cyclegc/cyclegc.h"
#include "object.h"

namespace cyclegc::internal {

struct ThreadState;

inline constexpr int kSharedShift = CGC_REF_SHARED_SHIFT_;
inline constexpr intptr_t kSharedStateMask = (intptr_t{1} << kSharedShift) - 1;
inline constexpr intptr_t kSharedMaybeWeakref =
    1;  // see SetMaybeWeakref (seams.h)
inline constexpr intptr_t kSharedQueued = 2;
inline constexpr intptr_t kSharedMerged = 3;

// Thread identity used for ob_tid_: the thread pointer (no TLS call).
inline uintptr_t CurrentThreadId() { return cgc_thread_id_(); }

// Exact total count while the world is stopped after MergeRefcountsWhileStopped
// (declared in seams.h); otherwise a racy estimate for diagnostics.
size_t TotalRefcount(const cgc_object* o);

int64_t SumPerThreadCounts(const cgc_object* o);

// World running: true only if `o`'s total count was exactly 1 at one instant
// and that reference is the caller's (owned by the caller or merged). Then no
// one else can take a new one (short of a weakref). False when that cannot be
// told without stopping: another owner's local count, queued, per-thread.
bool CallerHoldsSoleReference(const cgc_object* o);

// TotalRefcount's body, inline for the heap walk that reads every object's.
inline size_t TotalRefcountInline(const cgc_object* co) {
  auto* o = const_cast<cgc_object*>(co);
  // Acquire: a per-thread flag seen here comes with its index.
  const uint8_t flags =
      std::atomic_ref<uint8_t>(o->ob_flags_).load(std::memory_order_acquire);
  intptr_t total = std::atomic_ref<intptr_t>(o->ob_ref_shared_)
                       .load(std::memory_order_acquire) >>
                   kSharedShift;
  if ((flags & kRefPerThread) != 0) {
    total += SumPerThreadCounts(o);
  } else {
    if (std::atomic_ref<uintptr_t>(o->ob_tid_)
            .load(std::memory_order_relaxed) != 0) {
      total += std::atomic_ref<uint32_t>(o->ob_ref_local_)
                   .load(std::memory_order_relaxed);
    }
    if ((flags & kRefInMergeQueue) != 0) total -= 1;
  }
  return total < 0 ? 0 : static_cast<size_t>(total);
}

// World stopped: takes the collector's hold on `o`, a member of a
// collection's trash. Another thread's object is adopted: the collector
// becomes its owner, the owner's count its local count (the owner is parked
// and cannot reach trash), so that its whole count reads exactly with the
// world running (CallerHoldsSoleReference: the check after the clears needs
// no stop), the clears' decrefs and its release are plain owner updates, and
// it dies at once instead of being queued to its owner (no reap stop).
// Per-thread-counted and queued objects keep their owner.
void HoldForCollection(cgc_object* o);

// HoldForCollection's hold where it does not depend on the calling thread,
// taken on behalf of the collecting thread `collector` (by it, or by a crew
// member, stop_crew.h, for an object the member walked). False, with nothing
// done, for per-thread-counted, queued and merged objects: the collector
// increfs those itself (HoldForCollection).
bool HoldForCollectionAsCrew(cgc_object* o, uintptr_t collector);

// `o`'s only reference is its owner's (CallerHoldsSoleReference was true on
// the owner), handed to the calling thread with a release/acquire pair: the
// caller becomes the owner, so that its cgc_decref frees `o` here.
void TakeOverSoleReference(cgc_object* o);

// Merges local + shared + extra into the shared count, clears the owner and
// returns the merged count. Used by queue drains and at owner exit.
intptr_t ExplicitMerge(cgc_object* o, intptr_t extra);

// While one lives on a thread, the objects that thread's decrefs queue to
// other owners are gathered per owner and handed over when it ends: one
// registry lock and one queue lock per owner instead of one per object (the
// clear phase releases thousands of other threads' objects in a row). A
// queued object stays alive meanwhile: the pending decref is the batch's, and
// the owner's local count still holds the reference it stands for. Batches do
// not nest; a thread that has the world stopped merges at once as before.
class MergeBatch {
 public:
  MergeBatch();
  ~MergeBatch();
  MergeBatch(const MergeBatch&) = delete;
  MergeBatch& operator=(const MergeBatch&) = delete;
  // False if this batch cannot take `o` (it is not the thread's active batch,
  // or memory ran out): the caller queues it alone.
  bool Add(uintptr_t owner, cgc_object* o);
  // fork() child, for a batch of a thread it does not have (published on
  // that thread's ThreadState): appends the objects not yet handed over (each
  // holds one pending decref, as a queued object does) and frees the arrays.
  // A batch caught mid-change is left alone (its arrays leak).
  void TakeAfterFork(std::vector<cgc_object*>* out);

 private:
  void Flush();
  // Bracket every change of the arrays made with the world running, so that
  // a fork() child can tell whether it sees them whole. The fences order the
  // flag against the arrays' stores (no lock: Add runs per object).
  void BeginChange() {
    changing_.store(true, std::memory_order_relaxed);
    OrderForForkChild();
  }
  void EndChange() {
    OrderForForkChild();
    changing_.store(false, std::memory_order_relaxed);
  }
  static void OrderForForkChild() {
#if defined(__SANITIZE_THREAD__)
    // GCC's TSan rejects thread fences (and sees no fork snapshot anyway).
    std::atomic_signal_fence(std::memory_order_seq_cst);
#else
    std::atomic_thread_fence(std::memory_order_release);  // no code on x86
#endif
  }
  bool active_ = false;
  ThreadState* ts_ = nullptr;
  std::atomic<bool> changing_{false};
  // Few owners per collection: a vector of (owner, objects) beats a map.
  std::vector<std::pair<uintptr_t, std::vector<cgc_object*>>> by_owner_;
  // Objects Flush found at zero (an owner gone), released one by one.
  std::vector<cgc_object*> dead_;
};

// Drains `ts`'s merge queue, on its own (running, attached) thread or by the
// thread that has the world stopped: merges each object and destroys those
// that reach zero (the stopper's once the world runs again). True if some
// did.
bool DrainMergeQueue(ThreadState* ts);
// fork() child: only the forking thread's own drains are still in flight.
void DrainsAfterForkChild(const ThreadState* self);

// Per-thread counts: add this thread's counts into the objects' shared counts
// and zero them (thread exit; the world is running, atomic adds).
void FoldPerThreadCounts(ThreadState* ts);

// Releases the per-thread index of a dying per-thread-counted object (reused
// after the next stopped merge, once no thread can hold a count for it).
void ReleasePerThreadIndex(cgc_object* o);

// Adds `delta` to the calling thread's count of a per-thread-counted object.
// False if the thread is not attached (the caller then uses the shared count).
bool AddPerThreadCount(cgc_object* o, int64_t delta);
// SumPerThreadCounts (above): sum of every attached thread's count of `o`
// (exact while stopped).
// While stopped: fold every thread's counts into the shared counts; objects
// whose total is zero return to plain counting and are released on restart
// (true if there were any).
bool MergePerThreadCountsWhileStopped();
// cgc_shutdown: forget every index.
void ResetPerThreadIndices();
// fork(): the lock the prepare handler holds, and the child's reset.
absl::Mutex& PerThreadIndexMutex();
void ReinitPerThreadIndexAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_REFCOUNT_H_
