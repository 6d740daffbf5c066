// The objects of the tree workload: a B+tree's records, nodes and the tree
// that owns them, as GC types. The builder is tree_workload.cc.
#ifndef CYCLOTRON_TREE_NODE_H_
#define CYCLOTRON_TREE_NODE_H_

#include <cstdint>

#include "cyclegc/cyclegc.h"

namespace cyclotron::tree {

constexpr int kMaxKeys = 15;  // branching 16

struct Record {
  cgc_object header;
  int64_t key;
  void* payload;
};

// A B+tree node: records live in leaves (slots[i] is the record of keys[i]);
// an internal node has nkeys separators and nkeys + 1 children in slots.
// One spare key and slot hold the overflow until the node splits.
struct BNode {
  cgc_object header;
  int32_t nkeys;
  int32_t leaf;
  int64_t keys[kMaxKeys + 1];
  cgc_object* slots[kMaxKeys + 2];
};

struct Tree {
  cgc_object header;
  cgc_object* root;
  cgc_object* self;  // set when the unit is cyclic
};

// Records count themselves freed; nodes and trees release what they hold.
extern const cgc_type kRecordType;
extern const cgc_type kNodeType;
extern const cgc_type kTreeType;

// Index of the first key > key (the child to descend into / insert position).
int UpperBound(const BNode* n, int64_t key);

}  // namespace cyclotron::tree

#endif  // CYCLOTRON_TREE_NODE_H_
