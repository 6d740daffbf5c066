// Step 4b (collect.cc): unmarked members are cyclic trash (or held only by
// cyclic trash).
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "registry.h"

namespace cyclegc::internal {

bool GatherUnreachable(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  // The mark counted what it reached: a heap without trash needs no pass.
  const size_t count = state.objects.size() - state.marked;
  if (count == 0) return true;
  // Reserve first so running out of memory changes nothing.
  if (!state.unreachable.Reserve(count)) return false;
  state.helpers_may_come = ThreadCount() > 1;
  ForEachMember(state, [&state](cgc_object* o) {
    if ((GcScratch(o) & kMarked) != 0) return true;
    const uint8_t bits = StoreGcBitsExclusive(o, kGcUnreachable, 0);
    state.with_weakrefs += (bits & kGcHasWeakrefs) != 0;
    state.to_finalize +=
        TypeOf(o)->finalize != nullptr && (bits & kGcFinalized) == 0;
    // The hold: nothing the world does once restarted (finalizers, callbacks,
    // clears) can free it under the collector. Released in ReleaseUnreachable.
    // Another thread's object is adopted (the collector becomes its owner).
    HoldForCollection(o);
    (void)state.unreachable.Push(o);  // reserved above
    return true;
  });
  return true;
}

void AbandonUnreachable(CollectionState& state) {
  for (cgc_object* o : state.unreachable) ClearGcBits(o, kGcUnreachable);
  for (cgc_object* o : state.unreachable) cgc_decref(o);
  state.unreachable.Truncate(0);
}

}  // namespace cyclegc::internal
