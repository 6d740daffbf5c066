// Step 4c (collect.cc): weak references to the unreachable set are cleared
// while the world is stopped, so no mutator can fetch a strong reference to
// trash through them; their callbacks are queued and run once the world
// restarts.
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {

void ClearWeakrefsToUnreachable(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  for (cgc_object* o : state.unreachable) {
    if (HasGcBits(o, kGcHasWeakrefs)) ClearWeakrefsTo(o, &state.callbacks);
  }
}

}  // namespace cyclegc::internal
