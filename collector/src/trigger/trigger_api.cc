// The trigger's C API (automatic collection on/off, external pressure, the
// full-page figure) and its part of cgc_stats.
#include <atomic>
#include <cstdint>

#include "alloc_hooks/alloc_hooks.h"
#include "trigger_state.h"

namespace cyclegc::internal {

void TriggerFillStats(cgc_stats* out) {
  TriggerState& t = g_trigger;
  TriggerCounters c = GetTriggerCounters();
  MemorySource* memory = t.memory != nullptr ? t.memory : &ProcessMemory();
  out->collections_deferred = c.deferrals;
  out->young = c.young + c.deferred_young;
  out->long_lived = c.long_lived;
  out->full_page_bytes = memory->FullPageBytes();
  out->full_page_bytes_after =
      t.full_page_bytes_after.load(std::memory_order_relaxed);
  Policy* policy = t.policy.load(std::memory_order_acquire);
  cgc_trigger_kind kind =
      policy != nullptr ? policy->kind() : CGC_TRIGGER_PRESSURE;
  out->trigger = kind;
  out->trigger_name = TriggerName(kind);
}

TriggerCounters GetTriggerCounters() {
  const TriggerState& t = g_trigger;
  TriggerCounters c;
  c.young = t.young.Load();
  c.deferred_young = t.deferred_young.load(std::memory_order_relaxed);
  c.long_lived = t.long_lived.load(std::memory_order_relaxed);
  c.estimate_at_last = t.estimate_at_last.load(std::memory_order_relaxed);
  c.deferrals = t.deferrals.load(std::memory_order_relaxed);
  c.triggered = t.triggered.load(std::memory_order_relaxed);
  c.holds = t.holds.load(std::memory_order_relaxed);
  c.hold_timeouts = t.hold_timeouts.load(std::memory_order_relaxed);
  return c;
}

}  // namespace cyclegc::internal

using cyclegc::internal::g_trigger;

extern "C" {

CGC_API void cgc_enable(void) {
  g_trigger.enabled.store(true, std::memory_order_relaxed);
  cyclegc::internal::RecomputeGate();
}

CGC_API void cgc_disable(void) {
  g_trigger.enabled.store(false, std::memory_order_relaxed);
  cyclegc::internal::RecomputeGate();
}

CGC_API int cgc_is_enabled(void) {
  return g_trigger.enabled.load(std::memory_order_relaxed) ? 1 : 0;
}

CGC_API size_t cgc_full_page_bytes(void) {
  return cyclegc::alloc::FullPageBytes();
}

CGC_API void cgc_add_external_pressure(int64_t bytes) {
  cyclegc::internal::ProcessMemory().AddExternal(bytes);
}

}  // extern "C"
