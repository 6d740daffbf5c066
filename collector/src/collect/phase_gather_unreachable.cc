// Step 4b (collect.cc): unmarked members are cyclic trash (or held only by
// cyclic trash).
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "registry.h"

namespace cyclegc::internal {

namespace {

// One member of the trash: marked unreachable, counted, held.
inline void Gather(Part& part, cgc_object* o) {
  const uint8_t bits = StoreGcBitsExclusive(o, kGcUnreachable, 0);
  part.with_weakrefs += (bits & kGcHasWeakrefs) != 0;
  part.to_finalize +=
      TypeOf(o)->finalize != nullptr && (bits & kGcFinalized) == 0;
}

// A crew member's part: its trash goes to the part's range of the set, held
// for the collecting thread; what only the collector can hold goes to the
// range's end.
void GatherPartAsCrew(CollectionState& state, size_t p, uintptr_t collector) {
  Part& part = state.parts[p];
  cgc_object** front = state.unreachable.begin() + part.unreachable_at;
  cgc_object** back = front + part.unreachable_count;
  ForEachMember(part, [&](cgc_object* o) {
    if ((LoadScratch(o) & kMarked) != 0) return true;
    Gather(part, o);
    if (HoldForCollectionAsCrew(o, collector)) {
      *front++ = o;
    } else {
      *--back = o;
      ++part.held_by_collector;
    }
    return true;
  });
}

}  // namespace

bool GatherUnreachable(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  // The mark counted what it reached: a heap without trash needs no pass.
  const size_t count = MemberCount(state) - state.marked;
  if (count == 0) return true;
  // Reserve first so running out of memory changes nothing.
  if (!state.unreachable.Reserve(count)) return false;
  state.helpers_may_come = ThreadCount() > 1;
  if (state.num_parts == 1) {
    // The hold: nothing the world does once restarted (finalizers, callbacks,
    // clears) can free it under the collector. Released in
    // ReleaseUnreachable. Another thread's object is adopted (the collector
    // becomes its owner).
    ForEachMember(state.parts[0], [&state](cgc_object* o) {
      if ((GcScratch(o) & kMarked) != 0) return true;
      Gather(state.parts[0], o);
      HoldForCollection(o);
      (void)state.unreachable.Push(o);  // reserved above
      return true;
    });
  } else {
    size_t at = 0;
    for (size_t p = 0; p < state.num_parts; ++p) {
      Part& part = state.parts[p];
      part.unreachable_at = at;
      part.unreachable_count = part.members.size() - part.marked;
      at += part.unreachable_count;
    }
    const uintptr_t collector = CurrentThreadId();
    ForEachPart(state, [&state, collector](size_t p) {
      GatherPartAsCrew(state, p, collector);
    });
    for (size_t p = 0; p < state.num_parts; ++p) {
      const Part& part = state.parts[p];
      cgc_object** end = state.unreachable.begin() + part.unreachable_at +
                         part.unreachable_count;
      for (size_t i = 1; i <= part.held_by_collector; ++i) {
        HoldForCollection(*(end - i));
      }
    }
    state.unreachable.SetSizeAfterWrites(count);
  }
  for (size_t p = 0; p < state.num_parts; ++p) {
    state.with_weakrefs += state.parts[p].with_weakrefs;
    state.to_finalize += state.parts[p].to_finalize;
  }
  return true;
}

void AbandonUnreachable(CollectionState& state) {
  for (cgc_object* o : state.unreachable) ClearGcBits(o, kGcUnreachable);
  for (cgc_object* o : state.unreachable) cgc_decref(o);
  state.unreachable.Truncate(0);
}

}  // namespace cyclegc::internal
