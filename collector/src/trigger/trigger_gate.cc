#include <atomic>
#include <cstddef>

#include "absl/synchronization/mutex.h"
#include "seams.h"
#include "trigger_state.h"

namespace cyclegc::internal {

void RecomputeGateLocked(TriggerState& t) {
  Policy* p = t.policy.load(std::memory_order_relaxed);
  bool active = t.initialized && p != nullptr && t.config.threshold != 0 &&
                t.enabled.load(std::memory_order_relaxed);
  size_t long_lived = t.long_lived.load(std::memory_order_relaxed);
  t.gate.store(active ? p->gate(long_lived) : kClosed,
               std::memory_order_relaxed);
  t.hold_gate.store(active ? p->HoldGate(long_lived) : kClosed,
                    std::memory_order_relaxed);
  size_t step =
      active
          ? p->ByteCheckStep(t.estimate_at_last.load(std::memory_order_relaxed))
          : 0;
  SetByteCheckStep(step);
}

void RecomputeGate() {
  absl::MutexLock lock(&g_trigger.mu);
  RecomputeGateLocked(g_trigger);
}

// Raises the gate to `above` (never reopens a closed one). Racing raises and
// a collection's recompute may interleave; any order is safe: at worst one
// extra or one delayed check.
void RaiseGate(TriggerState& t, size_t above) {
  if (above == 0) return;
  size_t gate = t.gate.load(std::memory_order_relaxed);
  while (
      gate != kClosed && gate < above &&
      !t.gate.compare_exchange_weak(gate, above, std::memory_order_relaxed)) {
  }
}

// A deferral took young back to zero: the next check is `above` from there,
// so the gate may come down (RaiseGate never lowers it, and a gate left at
// the count rule's would space the policy's checks out up to 10x).
void GateAfterDeferral(TriggerState& t, size_t above) {
  if (above == 0) return;
  size_t gate = t.gate.load(std::memory_order_relaxed);
  while (gate != kClosed && !t.gate.compare_exchange_weak(
                                gate, above, std::memory_order_relaxed)) {
  }
}

}  // namespace cyclegc::internal
