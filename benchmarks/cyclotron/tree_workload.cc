#include <algorithm>
#include <numeric>
#include <vector>

#include "block_size.h"
#include "trash_counter.h"
#include "tree_node.h"
#include "unit_builder.h"
#include "workload.h"

namespace cyclotron {
namespace {

using tree::BNode;
using tree::kMaxKeys;
using tree::kNodeType;
using tree::kRecordType;
using tree::kTreeType;
using tree::Record;
using tree::Tree;
using tree::UpperBound;

class TreeBuilder : public UnitBuilder {
 public:
  explicit TreeBuilder(const PointSpec& spec) : spec_(spec) {
    records_ = std::max<int64_t>(1, spec.cycle / 2);
    // Mean payload extra/records: a uniform draw in [0, 2 * mean].
    payload_span_ = 2 * spec.extra / records_;
  }

  Unit Build(std::mt19937_64& rng) override {
    failed_ = false;
    objects_ = 0;
    created_ = 0;
    bytes_ = 0;
    const bool cyclic = DrawCyclic(rng, spec_.cyc);
    auto* tree = reinterpret_cast<Tree*>(cgc_alloc(&kTreeType, sizeof(Tree)));
    if (tree == nullptr) return {};
    Counted(sizeof(Tree));
    Counters().OnUnitCreated();
    tree->root = NewNode(/*leaf=*/true);
    if (tree->root == nullptr) return Abandon(tree);

    std::vector<int64_t> keys(static_cast<size_t>(records_));
    std::iota(keys.begin(), keys.end(), 0);
    std::shuffle(keys.begin(), keys.end(), rng);
    for (int64_t k : keys) Insert(tree, k, rng);
    // The bottom 20% of keys go and come back as new records.
    const int64_t churn = records_ / 5;
    for (int64_t k = 0; k < churn; ++k) Delete(tree, k);
    for (int64_t k = 0; k < churn; ++k) Insert(tree, k, rng);
    if (failed_) return Abandon(tree);
    if (cyclic) {
      cgc_incref(&tree->header);
      tree->self = &tree->header;
    }
    return Unit{&tree->header, objects_, created_, bytes_};
  }

 private:
  void Counted(size_t size) {
    Counters().OnCreated(1);
    ++objects_;
    ++created_;
    bytes_ += BlockBytes(static_cast<int64_t>(size));
  }

  Unit Abandon(Tree* tree) {
    Counters().OnReleased(objects_);
    cgc_decref(&tree->header);
    return {};
  }

  cgc_object* NewNode(bool leaf) {
    auto* n = reinterpret_cast<BNode*>(cgc_alloc(&kNodeType, sizeof(BNode)));
    if (n == nullptr) {
      failed_ = true;
      return nullptr;
    }
    Counted(sizeof(BNode));
    n->leaf = leaf ? 1 : 0;
    return &n->header;
  }

  cgc_object* NewRecord(int64_t key, std::mt19937_64& rng) {
    // Records hold no references: the collector need not look at them.
    auto* r = reinterpret_cast<Record*>(
        cgc_alloc_untracked(&kRecordType, sizeof(Record)));
    if (r == nullptr) {
      failed_ = true;
      return nullptr;
    }
    Counted(sizeof(Record));
    r->key = key;
    if (payload_span_ > 0) {
      r->payload = NewPayload(static_cast<size_t>(
          rng() % static_cast<uint64_t>(payload_span_ + 1)));
      bytes_ += PayloadBlockBytes(r->payload);
    }
    return &r->header;
  }

  // Splits an overfull node (kMaxKeys + 1 keys); returns the new right
  // sibling and the separator to push up, or null on allocation failure.
  cgc_object* Split(BNode* n, int64_t* separator) {
    auto* right = reinterpret_cast<BNode*>(NewNode(n->leaf != 0));
    if (right == nullptr) return nullptr;
    const int mid = n->nkeys / 2;
    if (n->leaf) {
      // Leaf: the right half moves; its first key is copied up.
      right->nkeys = n->nkeys - mid;
      for (int i = 0; i < right->nkeys; ++i) {
        right->keys[i] = n->keys[mid + i];
        right->slots[i] = n->slots[mid + i];
        n->slots[mid + i] = nullptr;
      }
      n->nkeys = mid;
      *separator = right->keys[0];
    } else {
      // Internal: the middle key moves up; keys and children right of it move.
      *separator = n->keys[mid];
      right->nkeys = n->nkeys - mid - 1;
      for (int i = 0; i < right->nkeys; ++i)
        right->keys[i] = n->keys[mid + 1 + i];
      for (int i = 0; i <= right->nkeys; ++i) {
        right->slots[i] = n->slots[mid + 1 + i];
        n->slots[mid + 1 + i] = nullptr;
      }
      n->nkeys = mid;
    }
    return &right->header;
  }

  // Inserts into the subtree at n; returns a new right sibling if n split.
  cgc_object* InsertInto(BNode* n, int64_t key, cgc_object* record,
                         int64_t* separator) {
    const int pos = UpperBound(n, key);
    if (n->leaf) {
      for (int i = n->nkeys; i > pos; --i) {
        n->keys[i] = n->keys[i - 1];
        n->slots[i] = n->slots[i - 1];
      }
      n->keys[pos] = key;
      n->slots[pos] = record;
      ++n->nkeys;
    } else {
      auto* child = reinterpret_cast<BNode*>(n->slots[pos]);
      int64_t child_sep = 0;
      cgc_object* sibling = InsertInto(child, key, record, &child_sep);
      if (sibling == nullptr) return nullptr;
      for (int i = n->nkeys; i > pos; --i) n->keys[i] = n->keys[i - 1];
      for (int i = n->nkeys + 1; i > pos + 1; --i)
        n->slots[i] = n->slots[i - 1];
      n->keys[pos] = child_sep;
      n->slots[pos + 1] = sibling;
      ++n->nkeys;
    }
    if (n->nkeys <= kMaxKeys) return nullptr;
    return Split(n, separator);
  }

  void Insert(Tree* tree, int64_t key, std::mt19937_64& rng) {
    if (failed_) return;
    cgc_object* record = NewRecord(key, rng);
    if (record == nullptr) return;
    int64_t separator = 0;
    auto* root = reinterpret_cast<BNode*>(tree->root);
    cgc_object* sibling = InsertInto(root, key, record, &separator);
    if (sibling == nullptr) return;
    auto* new_root = reinterpret_cast<BNode*>(NewNode(/*leaf=*/false));
    if (new_root == nullptr) {
      // Keep the tree consistent: the orphan sibling is released.
      Counters().OnReleased(1);
      cgc_decref(sibling);
      return;
    }
    new_root->nkeys = 1;
    new_root->keys[0] = separator;
    new_root->slots[0] = tree->root;  // the old root's reference moves here
    new_root->slots[1] = sibling;
    tree->root = &new_root->header;
  }

  // Lazy B+tree deletion: the record leaves its leaf, nodes are not merged
  // (separators still route searches correctly).
  void Delete(Tree* tree, int64_t key) {
    auto* n = reinterpret_cast<BNode*>(tree->root);
    while (!n->leaf) n = reinterpret_cast<BNode*>(n->slots[UpperBound(n, key)]);
    for (int i = 0; i < n->nkeys; ++i) {
      if (n->keys[i] != key) continue;
      cgc_object* record = n->slots[i];
      for (int j = i; j + 1 < n->nkeys; ++j) {
        n->keys[j] = n->keys[j + 1];
        n->slots[j] = n->slots[j + 1];
      }
      --n->nkeys;
      n->slots[n->nkeys] = nullptr;
      --objects_;
      bytes_ -= BlockBytes(sizeof(Record)) +
                PayloadBlockBytes(reinterpret_cast<Record*>(record)->payload);
      Counters().OnReleased(1);
      cgc_decref(record);
      return;
    }
  }

  PointSpec spec_;
  int64_t records_ = 1;
  int64_t payload_span_ = 0;
  bool failed_ = false;
  int64_t objects_ = 0;
  int64_t created_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<UnitBuilder> MakeTreeBuilder(const PointSpec& spec) {
  return std::make_unique<TreeBuilder>(spec);
}

std::unique_ptr<UnitBuilder> MakeBuilder(const PointSpec& spec) {
  if (spec.wl == "tree") return MakeTreeBuilder(spec);
  return MakeChainBuilder(spec);
}

}  // namespace cyclotron
