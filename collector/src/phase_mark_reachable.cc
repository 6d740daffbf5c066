// Phase 4: members with gc_refs > 0 are held from outside; everything they
// reach is alive. Explicit work stack: heaps of long chains must not overflow
// the C stack.
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {
namespace {

struct MarkArgs {
  ObjectStack* stack;
  bool out_of_memory;
};

int VisitMark(cgc_object* ref, void* arg) {
  if (ref == nullptr) return 0;
  uintptr_t s = GcScratch(ref);
  if ((s & (kInSet | kMarked)) != kInSet) return 0;
  GcScratch(ref) = s | kMarked;
  auto* args = static_cast<MarkArgs*>(arg);
  if (!args->stack->Push(ref)) args->out_of_memory = true;
  return 0;
}

}  // namespace

bool MarkReachableFromRoots(CollectionState& state) {
  MarkArgs args{&state.stack, false};
  constexpr size_t kPrefetchDistance = 8;
  const size_t n = state.objects.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n)
      __builtin_prefetch(state.objects[i + kPrefetchDistance]);
    cgc_object* root = state.objects[i];
    uintptr_t s = GcScratch(root);
    if ((s & kMarked) != 0 || GcRefs(s) == 0) continue;
    GcScratch(root) = s | kMarked;
    if (!state.stack.Push(root)) return false;
    while (!state.stack.empty()) {
      cgc_object* o = state.stack.Pop();
      const cgc_type* t = TypeOf(o);
      if (t->traverse != nullptr) t->traverse(o, &VisitMark, &args);
      if (args.out_of_memory) return false;
    }
  }
  return true;
}

}  // namespace cyclegc::internal
