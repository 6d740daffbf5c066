// Test object types for the collector suites: a node with a few strong slots
// and per-test counters of destroys and finalizers.
#ifndef CYCLEGC_TESTS_COLLECTOR_TEST_GRAPH_H_
#define CYCLEGC_TESTS_COLLECTOR_TEST_GRAPH_H_

#include <atomic>
#include <cstdint>

#include "cyclegc/cyclegc.h"
#include "slot_object.h"

namespace cyclegc::testing {

inline constexpr int kSlots = 4;
inline constexpr uint32_t kAliveMagic = 0xA11CEu;
inline constexpr uint32_t kDeadMagic = 0xDEADu;

struct Node {
  cgc_object hdr;
  uint32_t magic;
  int id;
  cgc_object* slots[kSlots];
};

struct Counters {
  std::atomic<int> destroyed{0};
  std::atomic<int> finalized{0};
};
inline Counters g_counters;

inline Node* AsNode(cgc_object* o) { return reinterpret_cast<Node*>(o); }

inline int NodeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  return TraverseSlots<Node>(self, visit, arg);
}

inline void NodeClear(cgc_object* self) { ClearSlots<Node>(self); }

inline void NodeDestroy(cgc_object* self) {
  Node* n = AsNode(self);
  if (n->magic != kAliveMagic) __builtin_trap();  // destroyed twice or corrupt
  n->magic = kDeadMagic;
  g_counters.destroyed.fetch_add(1, std::memory_order_relaxed);
}

inline const cgc_type kNodeType = {sizeof(cgc_type), "Node",  NodeTraverse,
                                   NodeClear,        nullptr, NodeDestroy};

inline cgc_object* NewNode(const cgc_type* type = &kNodeType, int id = 0) {
  cgc_object* o = cgc_alloc(type, sizeof(Node));
  if (o == nullptr) return nullptr;
  AsNode(o)->magic = kAliveMagic;
  AsNode(o)->id = id;
  return o;
}

// from.slots[slot] = to (a new strong reference), releasing what was there.
inline void Link(cgc_object* from, int slot, cgc_object* to) {
  if (to != nullptr) cgc_incref(to);
  cgc_object* old = AsNode(from)->slots[slot];
  AsNode(from)->slots[slot] = to;
  if (old != nullptr) cgc_decref(old);
}

// A ring of `length` nodes through slot 0. Returns its first node, whose
// reference the caller holds (the ring holds the others): dropping it leaves
// cyclic trash only the collector can free.
inline cgc_object* MakeRing(int length) {
  cgc_object* first = NewNode();
  cgc_object* prev = first;
  for (int i = 1; i < length; ++i) {
    cgc_object* next = NewNode();
    Link(prev, 0, next);
    if (prev != first) cgc_decref(prev);
    prev = next;
  }
  Link(prev, 0, first);
  if (prev != first) cgc_decref(prev);
  return first;
}

inline bool Intact(cgc_object* o) { return AsNode(o)->magic == kAliveMagic; }

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_COLLECTOR_TEST_GRAPH_H_
