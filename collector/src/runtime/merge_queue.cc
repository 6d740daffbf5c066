// Merge queues: a non-owner's decref that may be the last hands the object to
// its owner (batched per owner inside a collection's clear pass); the owner
// merges at its next safepoint or allocation, the stopper for every thread.
#include <atomic>
#include <new>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "refcount.h"
#include "refcount_internal.h"
#include "registry.h"
#include "seams.h"
#include "stop_the_world.h"
#include "stop_the_world_internal.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

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

}  // namespace

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
  const bool own_queue = ts == CurrentThread();
  for (size_t i = 0; i < queue.size(); ++i) {
    frame.next.store(i + 1, std::memory_order_relaxed);
    cgc_object* o = queue[i];
    ClearRefFlags(o, kRefInMergeQueue);
    if (ExplicitMerge(o, -1) == 0) {
      Release(o);
      died = true;
    }
    // The deaths run user code and cascade: a queue of thousands (the
    // records another thread's collection released, 2 threads, tree e=0
    // l=10k) kept stops waiting 1-2 ms. Park between objects, as a destroy
    // that allocates already may; what is left of the queue stays here,
    // each object still counted with its pending decref, so a collection
    // meanwhile keeps it.
    if (own_queue && (i & 31) == 31) ParkIfStopRequestedHere(ts);
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

}  // namespace cyclegc::internal
