#include "block_size.h"
#include "refs.h"
#include "trash_counter.h"
#include "unit_builder.h"
#include "workload.h"

namespace cyclotron {
namespace {

struct Witness {
  cgc_object header;
};

struct ChainNode {
  cgc_object header;
  cgc_object* next;
  cgc_object* witness;
  void* payload;
};

int WitnessTraverse(cgc_object*, cgc_visit_fn, void*) { return 0; }

void WitnessDestroy(cgc_object*) {
  Counters().OnFreed(1);
  Counters().OnUnitFreed();
}

int ChainTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* n = reinterpret_cast<ChainNode*>(self);
  return VisitRefs(visit, arg, n->next, n->witness);
}

void ChainClear(cgc_object* self) {
  auto* n = reinterpret_cast<ChainNode*>(self);
  ClearRefs(&n->next, &n->witness);
}

// Death by refcount reaches here without clear: release what is still held.
void ChainDestroy(cgc_object* self) {
  ChainClear(self);
  auto* n = reinterpret_cast<ChainNode*>(self);
  if (n->payload != nullptr) cgc_free(n->payload);
  n->payload = nullptr;
  Counters().OnFreed(1);
}

const cgc_type kWitnessType = {sizeof(cgc_type), "cyclotron.witness",
                               WitnessTraverse,  nullptr,
                               nullptr,          WitnessDestroy};
const cgc_type kChainNodeType = {sizeof(cgc_type), "cyclotron.chain_node",
                                 ChainTraverse,    ChainClear,
                                 nullptr,          ChainDestroy};

class ChainBuilder : public UnitBuilder {
 public:
  explicit ChainBuilder(const PointSpec& spec) : spec_(spec) {}

  Unit Build(std::mt19937_64& rng) override {
    const bool cyclic = DrawCyclic(rng, spec_.cyc);
    // Nothing it holds can form a cycle: keep it out of the collector's work.
    auto* witness = reinterpret_cast<Witness*>(
        cgc_alloc_untracked(&kWitnessType, sizeof(Witness)));
    if (witness == nullptr) return {};
    Counters().OnCreated(1);
    Counters().OnUnitCreated();
    int64_t objects = 1;
    // Built back to front: each new node takes over the reference to the
    // previous one, so the chain owns itself and we hold only the head.
    ChainNode* last = nullptr;
    ChainNode* head = nullptr;
    for (int64_t i = 0; i < spec_.cycle; ++i) {
      auto* node = reinterpret_cast<ChainNode*>(
          cgc_alloc(&kChainNodeType, sizeof(ChainNode)));
      if (node == nullptr) break;
      Counters().OnCreated(1);
      ++objects;
      node->next = head != nullptr ? &head->header : nullptr;
      head = node;
      if (last == nullptr) last = node;
    }
    if (head == nullptr || objects != spec_.cycle + 1) {
      // Allocation failed midway: release what was built and report failure.
      Counters().OnReleased(objects);
      if (head != nullptr) {
        head->witness = &witness->header;
      } else {
        cgc_decref(&witness->header);
      }
      if (head != nullptr) cgc_decref(&head->header);
      return {};
    }
    head->witness = &witness->header;
    head->payload = NewPayload(static_cast<size_t>(spec_.extra));
    if (cyclic) {
      cgc_incref(&head->header);
      last->next = &head->header;
    }
    const int64_t bytes = BlockBytes(sizeof(Witness)) +
                          spec_.cycle * BlockBytes(sizeof(ChainNode)) +
                          PayloadBlockBytes(head->payload);
    return Unit{&head->header, objects, objects, bytes};
  }

 private:
  PointSpec spec_;
};

}  // namespace

std::unique_ptr<UnitBuilder> MakeChainBuilder(const PointSpec& spec) {
  return std::make_unique<ChainBuilder>(spec);
}

}  // namespace cyclotron
