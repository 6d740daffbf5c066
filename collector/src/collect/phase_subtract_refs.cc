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
#ifndef NDEBUG
  cgc_object* from[kDelay] = {};  // the referrer of each slot's reference
#endif
};

inline void Subtract(cgc_object* ref, [[maybe_unused]] cgc_object* from) {
  uintptr_t s = GcScratch(ref);
  if ((s & kInSet) == 0) return;
#ifndef NDEBUG
  if (GcRefs(s) == 0) AbortOnUnownedReference(from, ref);
#else
  if (GcRefs(s) == 0) return;
#endif
  GcScratch(ref) = s - kOneRef;
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
  if (out != nullptr) Subtract(out, out_from);
  return 0;
}

}  // namespace

void SubtractInternalRefs(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  SubtractArgs args;
  ForEachMember(state, [&args](cgc_object* o) {
    const cgc_type* t = TypeOf(o);
    if (t->traverse == nullptr) return true;
    args.self = o;
    t->traverse(o, &VisitQueueDecref, &args);
    return true;
  });
  args.line.Drain([&args](cgc_object* ref, [[maybe_unused]] unsigned slot) {
#ifndef NDEBUG
    Subtract(ref, args.from[slot]);
#else
    Subtract(ref, nullptr);
#endif
  });
}

}  // namespace cyclegc::internal
