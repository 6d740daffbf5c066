// Step 6 (collect.cc): break the cycles. clear drops each object's references;
// the collector's holds keep every object of the set alive until all are
// cleared, then releasing them lets refcounting free the lot.
#include "object.h"
#include "phases.h"
#include "refcount.h"

namespace cyclegc::internal {

bool ClearUnreachable(CollectionState& state) {
  bool per_thread = false;
  for (cgc_object* o : state.unreachable) {
    const cgc_type* t = TypeOf(o);
    if (t->clear != nullptr) t->clear(o);
    per_thread = per_thread || IsPerThreadCounted(o);
  }
  // Most releases of other threads' objects queue them to their owners:
  // batch those hand-overs, one per owner.
  MergeBatch batch;
  for (cgc_object* o : state.unreachable) cgc_decref(o);
  return per_thread;
}

}  // namespace cyclegc::internal
