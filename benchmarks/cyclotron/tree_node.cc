#include "tree_node.h"

#include "refs.h"
#include "trash_counter.h"

namespace cyclotron::tree {
namespace {

int RecordTraverse(cgc_object*, cgc_visit_fn, void*) { return 0; }
void RecordDestroy(cgc_object* self) {
  auto* r = reinterpret_cast<Record*>(self);
  if (r->payload != nullptr) cgc_free(r->payload);
  r->payload = nullptr;
  Counters().OnFreed(1);
}

int NodeSlots(const BNode* n) { return n->leaf ? n->nkeys : n->nkeys + 1; }

int NodeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* n = reinterpret_cast<BNode*>(self);
  for (int i = 0; i < NodeSlots(n); ++i) {
    if (n->slots[i] == nullptr) continue;
    if (int r = visit(n->slots[i], arg); r != 0) return r;
  }
  return 0;
}

void NodeClear(cgc_object* self) {
  auto* n = reinterpret_cast<BNode*>(self);
  cgc_object* held[kMaxKeys + 2];
  const int count = NodeSlots(n);
  for (int i = 0; i < count; ++i) {
    held[i] = n->slots[i];
    n->slots[i] = nullptr;
  }
  n->nkeys = 0;
  for (int i = 0; i < count; ++i) {
    if (held[i] != nullptr) cgc_decref(held[i]);
  }
}

void NodeDestroy(cgc_object* self) {
  NodeClear(self);
  Counters().OnFreed(1);
}

int TreeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* t = reinterpret_cast<Tree*>(self);
  return VisitRefs(visit, arg, t->root, t->self);
}

void TreeClear(cgc_object* self) {
  auto* t = reinterpret_cast<Tree*>(self);
  ClearRefs(&t->root, &t->self);
}

void TreeDestroy(cgc_object* self) {
  TreeClear(self);
  Counters().OnFreed(1);
}

}  // namespace

const cgc_type kRecordType = {sizeof(cgc_type), "cyclotron.record", RecordTraverse, nullptr,
                              nullptr, RecordDestroy};
const cgc_type kNodeType = {sizeof(cgc_type), "cyclotron.btree_node", NodeTraverse, NodeClear,
                            nullptr, NodeDestroy};
const cgc_type kTreeType = {sizeof(cgc_type), "cyclotron.btree", TreeTraverse, TreeClear, nullptr,
                            TreeDestroy};

int UpperBound(const BNode* n, int64_t key) {
  int i = 0;
  while (i < n->nkeys && n->keys[i] <= key) ++i;
  return i;
}

}  // namespace cyclotron::tree
