// The phases of one collection, in the order collect.cc runs them (its
// opening list), and the state they share. A phase that needs the world
// stopped says so below and checks it in debug builds
// (CGC_DCHECK_WORLD_STOPPED).
//
// Scratch word (ob_gc_) during a collection, written only by the collector
// (and its crew, each part's words by the part's taker):
//   bit 0     kInSet   the object takes part (tracked, live, not dying)
//   bit 1     kMarked  reached from a root (or, when rechecking resurrection,
//                      from a resurrected object)
//   bits 2-5  part     the part whose heap holds it (collection on the crew)
//   bits 6+   gc_refs  references not accounted for by other members
// The heap walk rewrites the word of every live block, so stale values from an
// earlier collection never matter.
//
// On the crew (stop_crew.h), the walk, subtract, mark and gather run a part
// each per thread: a part is one attached thread's heap (part 0: the pages of
// threads gone, and of those not parked if any), taken first by that thread,
// whose caches hold it. A part writes only its own members' words; what a
// reference into another part needs (a subtract, a mark) goes to that part
// through an outbox, read after the job. Alone, the collector runs one part.
#ifndef CYCLEGC_COLLECTOR_PHASES_H_
#define CYCLEGC_COLLECTOR_PHASES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "alloc_hooks/alloc_hooks.h"
#include "cyclegc/cyclegc.h"
#include "object.h"
#include "object_stack.h"
#include "stop_crew.h"
#include "stop_the_world.h"
#include "weakref.h"

namespace cyclegc::internal {

inline constexpr uintptr_t kInSet = 1;
inline constexpr uintptr_t kMarked = 2;
inline constexpr int kPartShift = 2;
inline constexpr uintptr_t kPartMask = uintptr_t{kMaxCrewParts - 1}
                                       << kPartShift;
inline constexpr int kRefsShift = 6;
inline constexpr uintptr_t kOneRef = uintptr_t{1} << kRefsShift;
static_assert(kMaxCrewParts <= (size_t{1} << (kRefsShift - kPartShift)));

inline uintptr_t GcRefs(uintptr_t scratch) { return scratch >> kRefsShift; }
inline size_t PartOf(uintptr_t scratch) {
  return (scratch & kPartMask) >> kPartShift;
}
// Another part's taker may read a word while its own part's taker writes it
// (the part bits never change): relaxed atomics, plain moves.
inline uintptr_t LoadScratch(const cgc_object* o) {
  return std::atomic_ref<uintptr_t>(const_cast<uintptr_t&>(o->ob_gc_))
      .load(std::memory_order_relaxed);
}
inline void StoreScratch(cgc_object* o, uintptr_t s) {
  std::atomic_ref<uintptr_t>(o->ob_gc_).store(s, std::memory_order_relaxed);
}

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

// One part of a collection's members and what it hands to other parts.
struct Part {
  ObjectStack members;  // every tracked live object in the part's heaps
  ObjectStack stack;    // mark work stack
  // References into other parts, by destination, in two sets: a mark round
  // writes one while other parts read the other (the subtract writes set 0,
  // which the mark's first round reads).
  ObjectStack outbox[2][kMaxCrewParts];
  size_t marked = 0;
  size_t with_weakrefs = 0;
  size_t to_finalize = 0;
  size_t unreachable_at = 0;  // gather: where its members go in the set
  size_t unreachable_count = 0;
  // Gather: how many at the range's end the collector holds itself.
  size_t held_by_collector = 0;
  bool out_of_memory = false;
  void Release();
};

struct CollectionState {
  Part solo;  // the one part when the collector runs alone
  std::unique_ptr<Part[]> crew_parts;
  Part* parts = &solo;
  size_t num_parts = 1;
  size_t home = 0;          // the collecting thread's part
  ObjectStack stack;        // resurrection's mark work stack
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

// Calls visit(o) for every member of `part` in walk order, prefetching a few
// ahead (a large heap's headers miss the cache). Stops, returning false, at
// the first visit that returns false.
template <typename Visit>
inline bool ForEachMember(const Part& part, Visit visit) {
  constexpr size_t kPrefetchDistance = 8;
  const size_t n = part.members.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n)
      __builtin_prefetch(part.members[i + kPrefetchDistance]);
    if (!visit(part.members[i])) return false;
  }
  return true;
}

// Runs fn(p) for every part: on the crew, or here if the collector is alone.
template <typename Fn>
inline void ForEachPart(CollectionState& state, Fn fn) {
  if (state.num_parts == 1) {
    fn(size_t{0});
    return;
  }
  RunOnCrew(
      state.num_parts,
      +[](size_t p, void* arg) { (*static_cast<Fn*>(arg))(p); }, &fn,
      state.home);
}

// Whether a part ran out of memory for its arrays.
inline bool AnyPartOutOfMemory(const CollectionState& state) {
  for (size_t p = 0; p < state.num_parts; ++p) {
    if (state.parts[p].out_of_memory) return true;
  }
  return false;
}

// Members over all parts.
inline size_t MemberCount(const CollectionState& state) {
  size_t n = 0;
  for (size_t p = 0; p < state.num_parts; ++p)
    n += state.parts[p].members.size();
  return n;
}

// World stopped. Splits the coming walk, subtract, mark and gather into
// parts on the crew when there is one (and memory for the parts); else one
// part. CloseCrewParts ends it (before the world restarts).
void ExpectCrewParts();  // before the stop: parked threads wait for it
void OpenCrewParts(CollectionState& state);
void CloseCrewParts(CollectionState& state);

// Frees every part's arrays.
void ReleaseParts(CollectionState& state);

// Test support: open the crew at every collection (any heap size, even with
// more threads than cores), and how many collections ran on it.
void ForceCrewPartsForTesting(bool on);
uint64_t CrewCollectionsForTesting();

// World stopped, refcounts merged. Collects every tracked live object into
// its part's members with gc_refs = its total refcount. False on
// out-of-memory.
bool WalkHeapsComputingRefs(CollectionState& state);

// World stopped. Subtracts from gc_refs every reference members hold to each
// other (traverse). In debug builds a traverse that reports a reference it does
// not own aborts, naming the type. False on out-of-memory (the outboxes).
// On the crew, references into another part wait in outboxes: the mark's
// first job applies them (ApplySubtractInbox), saving a job's wait.
bool SubtractInternalRefs(CollectionState& state);
// Part p's share of those: what the other parts' subtract found into it.
void ApplySubtractInbox(CollectionState& state, size_t p);

// World stopped. Marks every member reachable from one with gc_refs > 0
// (explicit work stacks) and counts them in state.marked. False on
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
