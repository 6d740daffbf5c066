// Step 5a (collect.cc): finalizers, world running. kGcFinalized is set before
// the call so a finalizer runs at most once per object, ever, even if it
// resurrects it.
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {

size_t RunFinalizers(CollectionState& state) {
  if (state.to_finalize == 0) return 0;
  size_t ran = 0;
  // Index loop: a finalizer may allocate, but never changes this set.
  for (size_t i = 0; i < state.unreachable.size(); ++i) {
    cgc_object* o = state.unreachable[i];
    const cgc_type* t = TypeOf(o);
    if (t->finalize == nullptr || HasGcBits(o, kGcFinalized)) continue;
    SetGcBits(o, kGcFinalized);
    t->finalize(o);
    ++ran;
  }
  state.finalized += ran;
  return ran;
}

}  // namespace cyclegc::internal
