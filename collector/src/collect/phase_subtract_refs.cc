// Step 3 (collect.cc): subtract the references members hold to each other. What
// is left in gc_refs comes from outside the GC heaps (stacks, globals, native
// code).
//
// Referents are scattered over the heap: each reference goes through a delay
// line (delay_line.h) and is subtracted as it leaves, its referent prefetched.
#include <cstdio>
#include <cstdlib>

#include "delay_line.h"
#include "log.h"
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {
namespace {

#ifndef NDEBUG
[[noreturn]] void AbortOnUnownedReference(const cgc_object* self,
                                          const cgc_object* ref) {
  LogF(CGC_LOG_ERROR,
       "cyclegc: traverse of an object of type '%s' (%p) reported a "
       "reference to an object of type '%s' (%p) that it does not own "
       "(gc_refs would go below zero): the traverse visits a reference it "
       "never counted",
       TypeName(self), static_cast<const void*>(self), TypeName(ref),
       static_cast<const void*>(ref));
  std::abort();
}
#endif

constexpr unsigned kDelay = 32;

struct SubtractArgs {
  DelayLine<kDelay> line;
  cgc_object* self = nullptr;
  Part* part = nullptr;
  size_t me = 0;  // the part's index
#ifndef NDEBUG
  cgc_object* from[kDelay] = {};  // the referrer of each slot's reference
#endif
};

// Subtracts one reference from a member of this part.
inline void SubtractOne(cgc_object* ref, uintptr_t s,
                        [[maybe_unused]] cgc_object* from) {
#ifndef NDEBUG
  if (GcRefs(s) == 0) AbortOnUnownedReference(from, ref);
#else
  if (GcRefs(s) == 0) return;
#endif
  StoreScratch(ref, s - kOneRef);
}

inline void Subtract(SubtractArgs& args, cgc_object* ref,
                     [[maybe_unused]] cgc_object* from) {
  const uintptr_t s = LoadScratch(ref);
  if ((s & kInSet) == 0) return;
  const size_t to = PartOf(s);
  if (to != args.me) {
    // Its part subtracts it (ApplySubtractInbox). Debug builds pass the
    // referrer too.
    ObjectStack& box = args.part->outbox[0][to];
    bool ok = box.Push(ref);
#ifndef NDEBUG
    ok = ok && box.Push(from);
#endif
    if (!ok) args.part->out_of_memory = true;
    return;
  }
  SubtractOne(ref, s, from);
}

int VisitQueueDecref(cgc_object* ref, void* arg) {
  if (ref == nullptr) return 0;
  auto* args = static_cast<SubtractArgs*>(arg);
  cgc_object* out = args->line.Exchange(ref);
  cgc_object* out_from = nullptr;
#ifndef NDEBUG
  const unsigned slot = args->line.LastSlot();
  out_from = args->from[slot];
  args->from[slot] = args->self;
#endif
  if (out != nullptr) Subtract(*args, out, out_from);
  return 0;
}

void SubtractPart(CollectionState& state, size_t p) {
  SubtractArgs args;
  args.part = &state.parts[p];
  args.me = p;
  ForEachMember(*args.part, [&args](cgc_object* o) {
    const cgc_type* t = TypeOf(o);
    if (t->traverse == nullptr) return true;
    args.self = o;
    t->traverse(o, &VisitQueueDecref, &args);
    return true;
  });
  args.line.Drain([&args](cgc_object* ref, [[maybe_unused]] unsigned slot) {
#ifndef NDEBUG
    Subtract(args, ref, args.from[slot]);
#else
    Subtract(args, ref, nullptr);
#endif
  });
}

}  // namespace

void ApplySubtractInbox(CollectionState& state, size_t p) {
  for (size_t q = 0; q < state.num_parts; ++q) {
    ObjectStack& box = state.parts[q].outbox[0][p];
#ifndef NDEBUG
    for (size_t i = 0; i + 1 < box.size(); i += 2) {
      SubtractOne(box[i], LoadScratch(box[i]), box[i + 1]);
    }
#else
    for (cgc_object* ref : box) SubtractOne(ref, LoadScratch(ref), nullptr);
#endif
    box.Truncate(0);
  }
}

bool SubtractInternalRefs(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  ForEachPart(state, [&state](size_t p) { SubtractPart(state, p); });
  return !AnyPartOutOfMemory(state);
}

}  // namespace cyclegc::internal
