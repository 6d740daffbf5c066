// Shared helpers of the runtime tests: a runtime per test (RuntimeTest,
// runtime_test.h), a counted test type, threads that attach for their body.
#ifndef CYCLEGC_TESTS_COMMON_RUNTIME_FIXTURE_H_
#define CYCLEGC_TESTS_COMMON_RUNTIME_FIXTURE_H_

#include <atomic>
#include <thread>
#include <utility>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"

namespace cyclegc::testing {

// A node with one strong reference; counts destroys and remembers the thread
// that destroyed it.
struct Node {
  cgc_object header;
  cgc_object* next;
  std::atomic<int>* destroyed;
  std::thread::id* destroyed_on;
};

inline int NodeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* n = reinterpret_cast<Node*>(self);
  return n->next != nullptr ? visit(n->next, arg) : 0;
}
inline void NodeClear(cgc_object* self) {
  auto* n = reinterpret_cast<Node*>(self);
  if (cgc_object* next = std::exchange(n->next, nullptr)) cgc_decref(next);
}
inline void NodeDestroy(cgc_object* self) {
  auto* n = reinterpret_cast<Node*>(self);
  if (n->destroyed != nullptr) n->destroyed->fetch_add(1);
  if (n->destroyed_on != nullptr) *n->destroyed_on = std::this_thread::get_id();
}
inline const cgc_type kNodeType = {sizeof(cgc_type), "TestNode", NodeTraverse,
                                   NodeClear,        nullptr,    NodeDestroy};

inline Node* NewNode(std::atomic<int>* destroyed = nullptr,
                     std::thread::id* destroyed_on = nullptr) {
  auto* n = reinterpret_cast<Node*>(cgc_alloc(&kNodeType, sizeof(Node)));
  if (n != nullptr) {
    n->destroyed = destroyed;
    n->destroyed_on = destroyed_on;
  }
  return n;
}
inline cgc_object* Obj(Node* n) { return &n->header; }

// Runs `fn` on a new attached thread and joins it.
template <class Fn>
void RunAttached(Fn&& fn, bool detach = true) {
  std::thread t([&] {
    ASSERT_EQ(cgc_thread_attach(), 0) << cgc_last_error();
    fn();
    if (detach) cgc_thread_detach();
  });
  t.join();
}

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_COMMON_RUNTIME_FIXTURE_H_
