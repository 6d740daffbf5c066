// Step 6 (collect.cc): break the cycles. clear drops each object's references;
// the collector's holds keep every object of the set alive until all are
// cleared and the survivors of the clears are known, then releasing them lets
// refcounting free the rest.
#include "alloc_hooks/alloc_hooks.h"
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "refcount_internal.h"
#include "release_job.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {

bool ClearUnreachable(CollectionState& state) {
  bool per_thread = false;
  // The clears drop references to live objects too (trash that points into
  // another thread's live structure); hand those decrefs over to their owners
  // in one batch each, not one lock round per object that the owner's drains
  // contend with (2 threads, tree c=100 e=300k: 526k single hand-overs in
  // 1 s, a fifth of the run in the queue's mutex).
  MergeBatch batch;
  for (cgc_object* o : state.unreachable) {
    const cgc_type* t = TypeOf(o);
    if (t->clear != nullptr) t->clear(o);
    per_thread = per_thread || IsPerThreadCounted(o);
  }
  return per_thread;
}

bool OnlyHeldByCollector(CollectionState& state) {
  for (cgc_object* o : state.unreachable) {
    if (!CallerHoldsSoleReference(o)) return false;
  }
  return true;
}

void KeepSurvivorsOfClear(CollectionState& state) {
  if (DropResurrected(state)) return;
  // Out of memory for the exact pass: every object held from outside or by
  // other trash leaves the set. A survivor then is not counted as collected
  // later; one that dies with the rest is not counted either (undercount).
  size_t kept = 0;
  for (cgc_object* o : state.unreachable) {
    if (TotalRefcount(o) > 1) {
      ClearGcBits(o, kGcUnreachable);
      cgc_decref(o);  // world stopped: this only drops the count
    } else {
      state.unreachable.begin()[kept++] = o;
    }
  }
  state.unreachable.Truncate(kept);
}

namespace {

// Fewer members are released here: offering them costs more than a few
// cross-thread frees.
constexpr size_t kMinReleaseJob = 128;

// Moves the members a helper can release (owned by the collector, blocks in
// another thread's heap) to the end; returns how many stay in front.
size_t OwnHeapFirst(cgc_object** m, size_t n) {
  ThreadState* ts = CurrentThread();
  const alloc::ThreadHeaps* mine = ts != nullptr ? ts->heaps : nullptr;
  const uintptr_t self = CurrentThreadId();
  size_t own = n;
  for (size_t i = 0; i < own;) {
    cgc_object* o = m[i];
    if (Tid(o).load(std::memory_order_relaxed) == self &&
        (RefFlags(o) & (kRefPerThread | kRefInMergeQueue)) == 0 &&
        !alloc::InGcHeap(mine, o)) {
      m[i] = m[--own];
      m[own] = o;
    } else {
      ++i;
    }
  }
  return own;
}

}  // namespace

void ReleaseUnreachable(CollectionState& state) {
  cgc_object** m = state.unreachable.begin();
  const size_t n = state.unreachable.size();
  size_t own = state.helpers_may_come ? OwnHeapFirst(m, n) : n;
  if (n - own < kMinReleaseJob) own = n;
  if (own < n) OfferReleaseJob(m + own, n - own);
  {
    // Adopted members die here; the deaths and the members that kept an
    // owner (per-thread counted, queued) queue other threads' objects to
    // their owners: batch those hand-overs, one per owner.
    MergeBatch batch;
    for (size_t i = 0; i < own; ++i) cgc_decref(m[i]);
  }
  if (own < n) FinishReleaseJob();
}

}  // namespace cyclegc::internal
