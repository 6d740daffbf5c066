// TEMPORARY weak fallbacks so each module links before the others land.
// Each owner deletes its functions from here as soon as its real definitions
// exist. This file is removed once empty; never ship with it.
#include "seams.h"

#define CGC_WEAK __attribute__((weak))

namespace cyclegc::internal {
// runtime (weakref support). NOT safe against a concurrent death: the runtime
// replaces these with a CAS on the shared count.
CGC_WEAK void SetMaybeWeakref(cgc_object*) {}
CGC_WEAK bool TryIncref(cgc_object* o) {
  if ((o->ob_gc_bits_ & (1u << 7)) != 0 || cgc_refcount(o) == 0) return false;
  cgc_incref(o);
  return true;
}
// collector
CGC_WEAK absl::Status CollectorInit(const Config&) { return absl::OkStatus(); }
CGC_WEAK void CollectorShutdown() {}
CGC_WEAK size_t Collect(cgc_reason, const TriggerFigures&) { return 0; }
CGC_WEAK void NotifyObjectDeath(cgc_object*) {}
}  // namespace cyclegc::internal
