// Step 4a (collect.cc): members with gc_refs > 0 are held from outside;
// everything they reach is alive. Explicit work stack: heaps of long chains
// must not overflow the C stack.
//
// A reference found by a traverse goes through a delay line (delay_line.h);
// its referent is checked, marked and pushed on the work stack as it leaves,
// its header prefetched by then. An object is marked when pushed, so the
// stack holds each object at most once.
#include "delay_line.h"
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {
namespace {

constexpr unsigned kDelay = 32;

struct MarkWork {
  DelayLine<kDelay> line;
  ObjectStack* stack;
  size_t marked = 0;
  bool out_of_memory = false;
};

inline void MarkAndPush(MarkWork& w, cgc_object* o) {
  uintptr_t s = GcScratch(o);
  if ((s & (kInSet | kMarked)) != kInSet) return;
  GcScratch(o) = s | kMarked;
  ++w.marked;
  if (!w.stack->Push(o)) w.out_of_memory = true;
}

int VisitMark(cgc_object* ref, void* arg) {
  if (ref == nullptr) return 0;
  auto* w = static_cast<MarkWork*>(arg);
  cgc_object* out = w->line.Exchange(ref);
  if (out != nullptr) MarkAndPush(*w, out);
  return 0;
}

// Traverses what the stack holds until it is empty. False on out-of-memory.
bool TraverseStack(MarkWork& w) {
  while (!w.stack->empty() && !w.out_of_memory) {
    cgc_object* o = w.stack->Pop();
    const cgc_type* t = TypeOf(o);
    if (t->traverse != nullptr) t->traverse(o, &VisitMark, &w);
  }
  return !w.out_of_memory;
}

}  // namespace

bool MarkReachableFromRoots(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  MarkWork w;
  w.stack = &state.stack;
  const bool ok = ForEachMember(state, [&w](cgc_object* root) {
    uintptr_t s = GcScratch(root);
    if ((s & kMarked) != 0 || GcRefs(s) == 0) return true;
    MarkAndPush(w, root);
    return TraverseStack(w);
  });
  if (!ok) return false;
  // References still in the line may reach more: drain until none is left.
  for (;;) {
    w.line.Drain([&w](cgc_object* ref, unsigned) { MarkAndPush(w, ref); });
    if (w.stack->empty() || !TraverseStack(w)) break;
  }
  state.marked = w.marked;
  return !w.out_of_memory;
}

}  // namespace cyclegc::internal
