// Step 5b (collect.cc): after finalizers ran (world stopped again, refcounts
// merged), an object of the unreachable set that is now referenced from outside
// the set was resurrected; it and everything it reaches within the set must
// survive.
#include "object.h"
#include "phases.h"
#include "seams.h"

namespace cyclegc::internal {
namespace {

int VisitDecrefInSet(cgc_object* ref, void* /*arg*/) {
  if (ref == nullptr || !HasGcBits(ref, kGcUnreachable)) return 0;
  uintptr_t s = GcScratch(ref);
  if (GcRefs(s) != 0) GcScratch(ref) = s - kOneRef;
  return 0;
}

struct MarkArgs {
  ObjectStack* stack;
  bool out_of_memory;
};

int VisitMarkInSet(cgc_object* ref, void* arg) {
  if (ref == nullptr || !HasGcBits(ref, kGcUnreachable)) return 0;
  uintptr_t s = GcScratch(ref);
  if ((s & kMarked) != 0) return 0;
  GcScratch(ref) = s | kMarked;
  auto* args = static_cast<MarkArgs*>(arg);
  if (!args->stack->Push(ref)) args->out_of_memory = true;
  return 0;
}

void Traverse(cgc_object* o, cgc_visit_fn visit, void* arg) {
  const cgc_type* t = TypeOf(o);
  if (t->traverse != nullptr) t->traverse(o, visit, arg);
}

}  // namespace

bool DropResurrected(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  // The set's objects are all alive (held), so their refcounts are exact here.
  for (cgc_object* o : state.unreachable) {
    size_t refs = TotalRefcount(o) - 1;  // minus the collector's hold
    GcScratch(o) = kInSet | (static_cast<uintptr_t>(refs) << kRefsShift);
  }
  for (cgc_object* o : state.unreachable)
    Traverse(o, &VisitDecrefInSet, nullptr);

  MarkArgs args{&state.stack, false};
  for (cgc_object* o : state.unreachable) {
    uintptr_t s = GcScratch(o);
    if ((s & kMarked) != 0 || GcRefs(s) == 0) continue;
    GcScratch(o) = s | kMarked;
    if (!state.stack.Push(o)) return false;
    while (!state.stack.empty() && !args.out_of_memory) {
      Traverse(state.stack.Pop(), &VisitMarkInSet, &args);
    }
    if (args.out_of_memory) return false;
  }

  size_t marked = 0;
  for (cgc_object* o : state.unreachable)
    marked += (GcScratch(o) & kMarked) != 0;
  if (marked == 0) return true;
  if (!state.resurrected.Reserve(state.resurrected.size() + marked))
    return false;
  size_t kept = 0;
  for (size_t i = 0; i < state.unreachable.size(); ++i) {
    cgc_object* o = state.unreachable[i];
    if ((GcScratch(o) & kMarked) != 0) {
      ClearGcBits(o, kGcUnreachable);
      (void)state.resurrected.Push(o);  // reserved above
    } else {
      state.unreachable.begin()[kept++] = o;
    }
  }
  state.unreachable.Truncate(kept);
  return true;
}

void ReleaseResurrected(CollectionState& state) {
  for (cgc_object* o : state.resurrected) cgc_decref(o);
  state.resurrected.Truncate(0);
}

}  // namespace cyclegc::internal
