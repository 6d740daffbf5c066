// traverse and clear for test objects whose strong references are an array
// member `slots` of cgc_object* (nullptr = empty): the suites' node types
// differ in their other fields, not in these.
#ifndef CYCLEGC_TESTS_COMMON_SLOT_OBJECT_H_
#define CYCLEGC_TESTS_COMMON_SLOT_OBJECT_H_

#include "cyclegc/cyclegc.h"

namespace cyclegc::testing {

template <class NodeT>
int TraverseSlots(cgc_object* self, cgc_visit_fn visit, void* arg) {
  for (cgc_object* s : reinterpret_cast<NodeT*>(self)->slots) {
    if (s != nullptr) {
      if (int r = visit(s, arg)) return r;
    }
  }
  return 0;
}

// Unlinks each slot before dropping it: a decref may destroy objects that
// reach back here.
template <class NodeT>
void ClearSlots(cgc_object* self) {
  for (cgc_object*& s : reinterpret_cast<NodeT*>(self)->slots) {
    cgc_object* old = s;
    s = nullptr;
    if (old != nullptr) cgc_decref(old);
  }
}

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_COMMON_SLOT_OBJECT_H_
