// Step 6 (collect.cc): break the cycles. clear drops each object's references;
// the collector's holds keep every object of the set alive until all are
// cleared and the survivors of the clears are known, then releasing them lets
// refcounting free the rest.
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "seams.h"

namespace cyclegc::internal {

bool ClearUnreachable(CollectionState& state) {
  bool per_thread = false;
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

void ReleaseUnreachable(CollectionState& state) {
  // Adopted members die here; the deaths and the members that kept an owner
  // (per-thread counted, queued) queue other threads' objects to their
  // owners: batch those hand-overs, one per owner.
  MergeBatch batch;
  for (cgc_object* o : state.unreachable) cgc_decref(o);
}

}  // namespace cyclegc::internal
