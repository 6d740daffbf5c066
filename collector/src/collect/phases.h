// The phases of one collection, in the order collect.cc runs them (its
// opening list), and the state they share. A phase that needs the world
// stopped says so below and checks it in debug builds
// (CGC_DCHECK_WORLD_STOPPED).
//
// Scratch word (ob_gc_) during a collection, written only by the collector:
//   bit 0  kInSet      the object takes part (tracked, live, not dying)
//   bit 1  kMarked     reached from a root (or, when rechecking resurrection,
//                      from a resurrected object)
//   bits 2+            gc_refs: references not accounted for by other members
// The heap walk rewrites the word of every live block, so stale values from an
// earlier collection never matter.
#ifndef CYCLEGC_COLLECTOR_PHASES_H_
#define CYCLEGC_COLLECTOR_PHASES_H_

#include <cstddef>
#include <cstdint>

#include "alloc_hooks/alloc_hooks.h"
#include "cyclegc/cyclegc.h"
#include "object.h"
#include "object_stack.h"
#include "stop_the_world.h"
#include "weakref.h"

namespace cyclegc::internal {

inline constexpr uintptr_t kInSet = 1;
inline constexpr uintptr_t kMarked = 2;
inline constexpr int kRefsShift = 2;
inline constexpr uintptr_t kOneRef = uintptr_t{1} << kRefsShift;

inline uintptr_t GcRefs(uintptr_t scratch) { return scratch >> kRefsShift; }

// A walked block holds a live object. The walk reads every block below a
// page's capacity (alloc::VisitGcPagesByContent): free blocks, pending ones
// in mimalloc's delayed/thread-free lists and blocks never handed out have
// ob_type_ == NULL (Dealloc nulls it; mimalloc nulls it in new blocks, patch
// 0008); under ASan (MI_ASAN) they are also poisoned, so they are recognised
// without a read.
inline bool BlockHoldsLiveObject(void* block) {
  return alloc::BlockWordReadable(block, offsetof(cgc_object, ob_type_)) &&
         IsLiveBlock(block);
}

struct CollectionState {
  ObjectStack objects;      // members: every tracked live object, from the walk
  ObjectStack stack;        // mark work stack
  ObjectStack unreachable;  // each held with one reference by the collector
  ObjectStack resurrected;  // left the unreachable set; still held
  WeakrefCallbackQueue callbacks;
  size_t visited = 0;  // members found by the walk
  size_t marked = 0;   // members the mark reached
  size_t finalized = 0;
  // Another thread was attached at the gather: one may help release
  // (release_job.h).
  bool helpers_may_come = false;
  // Members the gather found with a finalizer still to run, or weakrefs:
  // without any, the passes over the set for them are skipped.
  size_t to_finalize = 0;
  size_t with_weakrefs = 0;
};

// Calls visit(o) for every member in walk order, prefetching a few ahead (a
// large heap's headers miss the cache). Stops, returning false, at the first
// visit that returns false.
template <typename Visit>
inline bool ForEachMember(const CollectionState& state, Visit visit) {
  constexpr size_t kPrefetchDistance = 8;
  const size_t n = state.objects.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n)
      __builtin_prefetch(state.objects[i + kPrefetchDistance]);
    if (!visit(state.objects[i])) return false;
  }
  return true;
}

// World stopped, refcounts merged. Collects every tracked live object into
// state.objects with gc_refs = its total refcount. False on out-of-memory.
bool WalkHeapsComputingRefs(CollectionState& state);

// World stopped. Subtracts from gc_refs every reference members hold to each
// other (traverse). In debug builds a traverse that reports a reference it does
// not own aborts, naming the type.
void SubtractInternalRefs(CollectionState& state);

// World stopped. Marks every member reachable from one with gc_refs > 0
// (explicit work stack) and counts them in state.marked. False on
// out-of-memory.
bool MarkReachableFromRoots(CollectionState& state);

// World stopped. Unmarked members become the unreachable set: kGcUnreachable
// set and one reference held each, so none is freed under the collector while
// callbacks, finalizers and clears run; other threads' members are adopted
// (HoldForCollection, refcount.h). False on out-of-memory (nothing done).
bool GatherUnreachable(CollectionState& state);

// World stopped. Clears weakrefs to the unreachable set (so nothing can reach
// it through them) and queues their callbacks.
void ClearWeakrefsToUnreachable(CollectionState& state);

// World running. Runs each unreachable object's finalize, if it has one and it
// never ran (kGcFinalized). Returns the number run.
size_t RunFinalizers(CollectionState& state);

// World stopped, refcounts merged (after callbacks or finalizers ran).
// Objects of the unreachable set referenced from outside it, and everything
// they reach in it, move to state.resurrected (kGcUnreachable cleared). False
// on out-of-memory (then nothing moved: the caller abandons the collection).
bool DropResurrected(CollectionState& state);

// World running. Releases the collector's hold on resurrected objects.
void ReleaseResurrected(CollectionState& state);

// World running. Calls clear on every object of the unreachable set; the
// collector's holds stay. True if some are per-thread counted (their deaths
// wait for a stopped merge).
bool ClearUnreachable(CollectionState& state);

// World running, after the clears. True if every object of the set is held by
// the collector alone (each dies when released): no survivor pass needed.
bool OnlyHeldByCollector(CollectionState& state);

// World stopped, refcounts merged, after the clears. Objects a clear
// resurrected (held from outside the set, or reached from such) move to
// state.resurrected with kGcUnreachable cleared, so that their later death is
// refcounting's and not counted as collected. What stays dies on release.
void KeepSurvivorsOfClear(CollectionState& state);

// World running. Releases the collector's holds on the unreachable set so
// refcounting frees them; members in other threads' heaps are offered to a
// helper that frees them there (release_job.h).
void ReleaseUnreachable(CollectionState& state);

// World running. Undoes a collection that ran out of memory after
// GatherUnreachable: every object leaves the unreachable set, nothing freed.
void AbandonUnreachable(CollectionState& state);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_PHASES_H_
