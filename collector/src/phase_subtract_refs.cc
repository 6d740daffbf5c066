// Phase 3: subtract the references members hold to each other. What is left
// in gc_refs comes from outside the GC heaps (stacks, globals, native code).
#include <cstdio>
#include <cstdlib>

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

int VisitDecref(cgc_object* ref, void* arg) {
  if (ref == nullptr) return 0;
  uintptr_t s = GcScratch(ref);
  if ((s & kInSet) == 0) return 0;
#ifndef NDEBUG
  if (GcRefs(s) == 0)
    AbortOnUnownedReference(static_cast<const cgc_object*>(arg), ref);
#else
  (void)arg;
  if (GcRefs(s) == 0) return 0;
#endif
  GcScratch(ref) = s - kOneRef;
  return 0;
}

}  // namespace

void SubtractInternalRefs(CollectionState& state) {
  constexpr size_t kPrefetchDistance = 8;
  const size_t n = state.objects.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n)
      __builtin_prefetch(state.objects[i + kPrefetchDistance]);
    cgc_object* o = state.objects[i];
    const cgc_type* t = TypeOf(o);
    if (t->traverse != nullptr) t->traverse(o, &VisitDecref, o);
  }
}

}  // namespace cyclegc::internal
