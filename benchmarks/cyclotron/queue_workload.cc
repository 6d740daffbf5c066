// Tim Peters' GC stress test: each thread keeps a window of `live` nodes; a
// node references itself (a self-cycle, when drawn cyclic) and holds `extra`
// payload bytes; each new node pushes the oldest out of the window, where it
// becomes cyclic trash (or, acyclic, is freed at once by refcounting).
#include <deque>

#include "absl/strings/str_cat.h"
#include "block_size.h"
#include "cyclegc/cyclegc.h"
#include "trash_counter.h"
#include "workload.h"

namespace cyclotron {
namespace {

struct QueueNode {
  cgc_object header;
  cgc_object* self;  // set when cyclic
  void* payload;
};

int QueueTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* n = reinterpret_cast<QueueNode*>(self);
  return n->self != nullptr ? visit(n->self, arg) : 0;
}

// Unlink before releasing: the release may re-enter this node.
void QueueClear(cgc_object* self) {
  auto* n = reinterpret_cast<QueueNode*>(self);
  cgc_object* me = n->self;
  n->self = nullptr;
  if (me != nullptr) cgc_decref(me);
}

void QueueDestroy(cgc_object* self) {
  QueueClear(self);
  auto* n = reinterpret_cast<QueueNode*>(self);
  if (n->payload != nullptr) cgc_free(n->payload);
  n->payload = nullptr;
  Counters().OnFreed(1);
  Counters().OnUnitFreed();
}

const cgc_type kQueueNodeType = {sizeof(cgc_type), "cyclotron.queue_node", QueueTraverse,
                                 QueueClear, nullptr, QueueDestroy};

class QueueWorkload : public Workload {
 public:
  explicit QueueWorkload(const PointSpec& spec)
      : spec_(spec),
        node_bytes_(BlockBytes(sizeof(QueueNode)) + BlockBytes(spec.extra)) {}

  void RunThread(std::mt19937_64& rng, ThreadContext& ctx) override {
    std::deque<cgc_object*> window;
    while (!ctx.ShouldStop()) {
      cgc_object* node = NewNode(rng);
      if (node == nullptr) {
        ctx.Fail(absl::StrCat("allocation failed: ", cgc_last_error()));
        break;
      }
      window.push_back(node);
      ctx.Created(1);
      if (static_cast<int64_t>(window.size()) > spec_.live) {
        Release(window.front());
        window.pop_front();
      }
      const auto held = static_cast<int64_t>(window.size());
      ctx.Holding(held, held * node_bytes_);
      cgc_safepoint();
    }
    for (cgc_object* node : window) Release(node);
  }

 private:
  cgc_object* NewNode(std::mt19937_64& rng) {
    auto* n = reinterpret_cast<QueueNode*>(
        cgc_alloc(&kQueueNodeType, sizeof(QueueNode)));
    if (n == nullptr) return nullptr;
    Counters().OnCreated(1);
    Counters().OnUnitCreated();
    n->payload = NewPayload(static_cast<size_t>(spec_.extra));
    if (DrawCyclic(rng, spec_.cyc)) {
      cgc_incref(&n->header);
      n->self = &n->header;
    }
    return &n->header;
  }

  // Counted released before the reference goes, so trash never reads
  // negative.
  static void Release(cgc_object* node) {
    Counters().OnReleased(1);
    cgc_decref(node);
  }

  PointSpec spec_;
  int64_t node_bytes_;
};

}  // namespace

std::unique_ptr<Workload> MakeQueueWorkload(const PointSpec& spec) {
  return std::make_unique<QueueWorkload>(spec);
}

}  // namespace cyclotron
