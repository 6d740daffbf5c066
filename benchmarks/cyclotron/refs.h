// Traverse and clear over a workload type's reference fields.
#ifndef CYCLOTRON_REFS_H_
#define CYCLOTRON_REFS_H_

#include <utility>

#include "cyclegc/cyclegc.h"

namespace cyclotron {

// Visits each non-null reference in order; returns the first non-zero result.
template <typename... Refs>
int VisitRefs(cgc_visit_fn visit, void* arg, Refs... refs) {
  int r = 0;
  (void)((refs != nullptr && (r = visit(refs, arg)) != 0) || ...);
  return r;
}

// Unlinks every slot (cgc_object**), then releases what they held: a release
// may re-enter this object through the cycle.
template <typename... Slots>
void ClearRefs(Slots... slots) {
  cgc_object* held[] = {std::exchange(*slots, nullptr)...};
  for (cgc_object* o : held) {
    if (o != nullptr) cgc_decref(o);
  }
}

}  // namespace cyclotron

#endif  // CYCLOTRON_REFS_H_
