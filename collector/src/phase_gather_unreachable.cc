// Phase 5a: unmarked members are cyclic trash (or held only by cyclic trash).
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {

bool GatherUnreachable(CollectionState& state) {
  size_t count = 0;
  for (cgc_object* o : state.objects) count += (GcScratch(o) & kMarked) == 0;
  // Reserve first so running out of memory changes nothing.
  if (!state.unreachable.Reserve(count)) return false;
  for (cgc_object* o : state.objects) {
    if ((GcScratch(o) & kMarked) != 0) continue;
    SetGcBits(o, kGcUnreachable);
    // The hold: nothing the world does once restarted (finalizers, callbacks,
    // clears) can free it under the collector. Released in ClearUnreachable.
    cgc_incref(o);
    (void)state.unreachable.Push(o);  // reserved above
  }
  return true;
}

void AbandonUnreachable(CollectionState& state) {
  for (cgc_object* o : state.unreachable) ClearGcBits(o, kGcUnreachable);
  for (cgc_object* o : state.unreachable) cgc_decref(o);
  state.unreachable.Truncate(0);
}

}  // namespace cyclegc::internal
