// Per-thread runtime state of an attached thread: its heaps, merge queue,
// batched young delta, per-thread refcounts and dealloc (trashcan) state.
#ifndef CYCLEGC_COLLECTOR_THREAD_STATE_H_
#define CYCLEGC_COLLECTOR_THREAD_STATE_H_

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "alloc_hooks/alloc_hooks.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Thread status for stop-the-world. Anything but kRunning counts as stopped.
enum class ThreadStatus : int {
  kRunning = 0,   // may touch objects; must reach a safepoint when asked
  kParked = 1,    // waiting in a safepoint for the world to restart
  kBlocking = 2,  // inside cgc_blocking_begin/end, or detaching
};

// A merge-queue drain in progress (DrainMergeQueue): the objects taken from
// the queue and how many of them it has started on, so that a fork() child
// can merge the rest of a drain whose thread it does not have (and free the
// array: the drain frees it under queue_mu as it unpublishes the frame).
class MergeBatch;

struct DrainFrame {
  std::vector<cgc_object*>* objects = nullptr;
  std::atomic<size_t> next{0};
  DrainFrame* outer = nullptr;  // a drain this one runs inside (a destroy's)
};

// Young delta batch: OnYoungBatch() runs when |delta| reaches this.
inline constexpr int64_t kYoungBatch = 256;

struct ThreadState {
  uintptr_t tid = 0;  // thread pointer (== ob_tid_ of its objects)
  alloc::ThreadHeaps* heaps = nullptr;  // from alloc::AttachThread
  std::atomic<ThreadStatus> status{ThreadStatus::kRunning};
  // For the stall report: who the thread is, and when it last stopped
  // counting as stopped (attach, park, bracket end), monotonic ns.
  pid_t os_tid = 0;
  pthread_t pthread{};
  std::atomic<int64_t> running_since_ns{0};

  // Merge queue: objects other threads found at shared count zero. Pushed under
  // the registry reader lock + queue_mu; drained by the owner at safepoints and
  // by the stopper while stopped.
  absl::Mutex queue_mu;
  std::vector<cgc_object*> merge_queue ABSL_GUARDED_BY(queue_mu);
  // Set when the thread detaches: pushers then merge at once themselves.
  bool queue_closed ABSL_GUARDED_BY(queue_mu) = false;
  std::atomic<bool> merge_pending{false};  // mirrors !merge_queue.empty()
  // Innermost drain in progress; pushed and popped by the draining thread (the
  // owner, or the stopper while the owner is stopped).
  std::atomic<DrainFrame*> draining{nullptr};
  // What this thread, as the stopper, releases once the world runs again
  // (StartTheWorld): the list (owned) and how many it has started on. A
  // DrainFrame too: a fork() child releases the rest and frees the list.
  std::atomic<DrainFrame*> releasing{nullptr};
  // This thread's active MergeBatch (refcount.h), for a fork() child.
  std::atomic<MergeBatch*> merge_batch{nullptr};

  // Net tracked allocations minus tracked deaths since the last OnYoungBatch.
  int64_t young_delta = 0;
  // Bytes allocated since the last OnAllocatedBytes (allocation_meter.h).
  size_t bytes_since_check = 0;
  // Deaths of collected objects on this thread (CountCollectedDeath): written
  // by this thread alone, read by CollectedDeaths under the registry lock.
  std::atomic<uint64_t> collected_deaths{0};

  // Per-thread refcounts, indexed by the object's per-thread index. Entries are
  // written only by this thread (relaxed atomics, plain moves); the array is
  // replaced (grown) under queue_mu so diagnostic readers can lock it; the
  // stopper reads it while the thread is stopped.
  std::unique_ptr<std::atomic<int64_t>[]> ptr_counts;
  size_t ptr_capacity = 0;

  // While the world is stopped for a collection that runs on the crew
  // (stop_crew.h): the part this thread's heap is in, which it takes first.
  // Written by the stopper before each job it posts.
  size_t crew_home = 0;
  // Parked when the stopper opened the crew (OpenCrew): only those serve
  // it, so that no more threads spin than had a core when the stop began.
  bool crew_invited = false;

  // Trashcan: nesting depth of Dealloc and objects deferred past the limit,
  // linked through ob_tid_ (dead objects have no owner).
  int dealloc_depth = 0;
  cgc_object* dealloc_later = nullptr;
};

// The calling thread's state, or nullptr if it is not attached. Initial-exec
// TLS: one load relative to the thread pointer.
ThreadState* CurrentThread();

// Attach/detach the calling thread (cgc_thread_attach/detach and the exit
// hook). Attach fails (changing nothing) if already attached.
int AttachCurrentThread();
int DetachCurrentThread();

// Waits (as a stopped thread) until no other thread is inside
// DetachCurrentThread, whose final queue drain runs deaths the caller's
// collection should see. Returns at once on a detaching thread.
void WaitForDetachingThreads();

// fork() child: detaches of threads the child does not have never end.
void DetachingAfterForkChild();

// Young-count bookkeeping off the refcount fast path.
void AddYoung(ThreadState* ts, int64_t n);
// Reports the batched delta now (detach).
void FlushYoung(ThreadState* ts);

// Enters/leaves a section where the thread counts as stopped (blocking calls,
// detaching). Leaving waits while the world is stopped.
void EnterBlocking(ThreadState* ts);
void LeaveBlocking(ThreadState* ts);

// cgc_malloc/cgc_free inside a blocking bracket: mimalloc may change the
// thread's pages or reclaim abandoned segments, which a stopper may be walking,
// so the call steps out of the bracket (waiting out a stop) and back in.
class RunningIfBracketed {
 public:
  explicit RunningIfBracketed(ThreadState* ts)
      : ts_(ts != nullptr && ts->status.load(std::memory_order_relaxed) ==
                                 ThreadStatus::kBlocking
                ? ts
                : nullptr) {
    if (ts_ != nullptr) LeaveBlocking(ts_);
  }
  ~RunningIfBracketed() {
    if (ts_ != nullptr) EnterBlocking(ts_);
  }
  // Whether the caller is inside a blocking bracket.
  bool bracketed() const { return ts_ != nullptr; }
  RunningIfBracketed(const RunningIfBracketed&) = delete;
  RunningIfBracketed& operator=(const RunningIfBracketed&) = delete;

 private:
  ThreadState* ts_;
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_THREAD_STATE_H_
