// fork(): the prepare handler takes the runtime's locks (so no registry, queue
// or index table is mid-update in the child); the parent releases them; the
// child rebuilds its locks, keeps only the forking thread, orphans the heaps of
// the threads that do not exist there (their objects stay valid and
// collectable) and hands their queued objects (including those a drain had not
// reached yet) to the surviving thread. A collection, triggered collection or
// detach that was running on a vanished thread never ends in the child: their
// claims are dropped so the child can collect (the objects such a collection
// held stay allocated until shutdown).
#include <pthread.h>

#include <atomic>
#include <mutex>
#include <new>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "dealloc.h"
#include "lifecycle.h"
#include "object.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stop_crew.h"
#include "stop_the_world.h"
#include "stop_the_world_internal.h"
#include "thread_state.h"

namespace cyclegc::internal {

namespace {

std::vector<ThreadState*>* g_locked_queues = nullptr;
// The forking thread's status before the prepare handler: a fork inside a
// blocking bracket stays inside it on both sides.
ThreadStatus g_status_before_fork = ThreadStatus::kRunning;

// Objects a drain on a vanished thread had taken from the queue, or that it
// was releasing after a stop, but had not started on (DrainFrame::next counts
// the started ones): each still holds the one count the drain or release
// would have dropped. Frees the arrays (a release list is owned by its frame).
void TakeUnstarted(const ThreadState& ts, std::vector<cgc_object*>* out) {
  for (DrainFrame* f = ts.draining.load(std::memory_order_relaxed);
       f != nullptr; f = f->outer) {
    const size_t next = f->next.load(std::memory_order_relaxed);
    for (size_t i = next; i < f->objects->size(); ++i) {
      out->push_back((*f->objects)[i]);
    }
    std::vector<cgc_object*>().swap(*f->objects);
  }
  for (DrainFrame* f = ts.releasing.load(std::memory_order_relaxed);
       f != nullptr; f = f->outer) {
    const size_t next = f->next.load(std::memory_order_relaxed);
    for (size_t i = next; i < f->objects->size(); ++i) {
      out->push_back((*f->objects)[i]);
    }
    delete f->objects;
  }
}

void PrepareFork() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  ThreadState* self = CurrentThread();
  // Count as stopped: a collector mid-stop holds the registry lock.
  if (self != nullptr) {
    g_status_before_fork = self->status.load();
    EnterBlocking(self);
  }
  RegistryMutex().Lock();
  StopTheWorldMutex().Lock();
  PerThreadIndexMutex().Lock();
  g_locked_queues = new std::vector<ThreadState*>();
  ForEachThread([](ThreadState& ts) {
    ts.queue_mu.Lock();
    g_locked_queues->push_back(&ts);
  });
}

void ParentAfterFork() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  for (ThreadState* ts : *g_locked_queues) ts->queue_mu.Unlock();
  delete g_locked_queues;
  g_locked_queues = nullptr;
  PerThreadIndexMutex().Unlock();
  StopTheWorldMutex().Unlock();
  RegistryMutex().Unlock();
  ThreadState* self = CurrentThread();
  if (self != nullptr && g_status_before_fork == ThreadStatus::kRunning) {
    LeaveBlocking(self);
  }
}

void ChildAfterFork() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // Release what PrepareFork took (so this thread's held-lock bookkeeping is
  // right), then start from fresh locks: parent threads that were queued on
  // them do not exist here.
  for (ThreadState* ts : *g_locked_queues) {
    ts->queue_mu.Unlock();
    new (&ts->queue_mu) absl::Mutex();
  }
  delete g_locked_queues;
  g_locked_queues = nullptr;
  PerThreadIndexMutex().Unlock();
  ReinitPerThreadIndexAfterFork();
  StopTheWorldMutex().Unlock();
  ReinitStopTheWorldAfterFork();
  ResetCrewAfterFork();
  RegistryMutex().Unlock();
  ReinitRegistryAfterFork();

  ThreadState* self = CurrentThread();
  std::vector<ThreadState*> gone;
  ForEachThread([&](ThreadState& ts) {
    if (&ts != self) gone.push_back(&ts);
  });
  std::vector<cgc_object*> orphans;
  for (ThreadState* ts : gone) {
    RegistryRemove(ts);
    alloc::OrphanThreadAfterFork(ts->heaps);
    FoldPerThreadCounts(ts);
    {
      absl::MutexLock lock(&ts->queue_mu);
      orphans.insert(orphans.end(), ts->merge_queue.begin(),
                     ts->merge_queue.end());
    }
    TakeUnstarted(*ts, &orphans);
    if (MergeBatch* b = ts->merge_batch.load(std::memory_order_relaxed)) {
      b->TakeAfterFork(&orphans);
    }
    AdoptDeferredDeaths(ts, self);
    delete ts;
  }
  uint32_t pending = 0;
  if (self != nullptr) {
    absl::MutexLock lock(&self->queue_mu);
    self->merge_queue.insert(self->merge_queue.end(), orphans.begin(),
                             orphans.end());
    self->merge_pending.store(!self->merge_queue.empty());
    pending = self->merge_queue.empty() ? 0 : kPendingMergeUnit;
    self->status.store(g_status_before_fork);
  } else {
    for (cgc_object* o : orphans) {
      ClearRefFlags(o, kRefInMergeQueue);
      if (ExplicitMerge(o, -1) == 0) Dealloc(o);
    }
  }
  g_safepoint_word.store(pending);
  DrainsAfterForkChild(self);
  CollectionAfterForkChild();
  TriggerAfterForkChild();
  DetachingAfterForkChild();
}

}  // namespace

void InstallForkHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    pthread_atfork(PrepareFork, ParentAfterFork, ChildAfterFork);
  });
}

}  // namespace cyclegc::internal
