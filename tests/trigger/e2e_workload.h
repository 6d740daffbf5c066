// End-to-end workload for the trigger: cycles of two objects, each holding a
// cgc_malloc'd payload that only `destroy` frees, so cyclic trash holds memory
// that only the collector can release. Counts objects made and destroyed, and
// the automatic collections by reason (from the collector's own events).
#ifndef CYCLEGC_TESTS_TRIGGER_E2E_WORKLOAD_H_
#define CYCLEGC_TESTS_TRIGGER_E2E_WORKLOAD_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cyclegc/cyclegc.h"

namespace cyclegc_e2e {

struct Unit {
  cgc_object header;
  Unit* peer;
  void* payload;
};

inline size_t g_created = 0;
inline size_t g_destroyed = 0;
inline std::array<uint64_t, 8> g_auto_by_reason{};  // automatic collections

inline int UnitTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  Unit* u = reinterpret_cast<Unit*>(self);
  return u->peer != nullptr ? visit(&u->peer->header, arg) : 0;
}
inline void UnitClear(cgc_object* self) {
  Unit* u = reinterpret_cast<Unit*>(self);
  Unit* peer = u->peer;
  u->peer = nullptr;
  if (peer != nullptr) cgc_decref(&peer->header);
}
inline void UnitDestroy(cgc_object* self) {
  Unit* u = reinterpret_cast<Unit*>(self);
  UnitClear(self);
  cgc_free(u->payload);
  u->payload = nullptr;
  ++g_destroyed;
}
inline const cgc_type kUnitType = {sizeof(cgc_type), "e2e.Unit", UnitTraverse,
                                   UnitClear,        nullptr,    UnitDestroy};

inline void OnEvent(const cgc_event* e, void*) {
  if (e->kind != CGC_EVENT_START) return;
  if (e->reason == CGC_REASON_EXPLICIT || e->reason == CGC_REASON_SHUTDOWN) {
    return;
  }
  ++g_auto_by_reason[static_cast<size_t>(e->reason) % g_auto_by_reason.size()];
}

inline Unit* NewUnit(size_t payload_bytes) {
  Unit* u = reinterpret_cast<Unit*>(cgc_alloc(&kUnitType, sizeof(Unit)));
  if (u == nullptr) return nullptr;
  u->peer = nullptr;
  u->payload = cgc_malloc(payload_bytes);
  if (u->payload != nullptr) std::memset(u->payload, 0x5a, payload_bytes);
  ++g_created;
  return u;
}

// One unit of cyclic trash: a <-> b, dropped at once. Returns false on OOM.
inline bool MakeCyclicTrash(size_t payload_bytes) {
  Unit* a = NewUnit(payload_bytes);
  Unit* b = NewUnit(payload_bytes);
  if (a == nullptr || b == nullptr) return false;
  a->peer = b;
  cgc_incref(&b->header);
  b->peer = a;
  cgc_incref(&a->header);
  cgc_decref(&a->header);
  cgc_decref(&b->header);
  return true;
}

inline size_t TrashNow() { return g_created - g_destroyed; }

struct PhaseResult {
  size_t max_trash = 0;
  uint64_t deferrals = 0;
  uint64_t collections = 0;
  std::array<uint64_t, 8> by_reason{};
};

// Makes `units` cycles and reports what the trigger did meanwhile.
inline PhaseResult RunPhase(size_t units, size_t payload_bytes) {
  cgc_stats before{};
  cgc_get_stats(&before);
  std::array<uint64_t, 8> reasons_before = g_auto_by_reason;
  PhaseResult r;
  for (size_t i = 0; i < units; ++i) {
    if (!MakeCyclicTrash(payload_bytes)) break;
    r.max_trash = std::max(r.max_trash, TrashNow());
  }
  cgc_stats after{};
  cgc_get_stats(&after);
  r.deferrals = after.collections_deferred - before.collections_deferred;
  r.collections = after.collections - before.collections;
  for (size_t i = 0; i < r.by_reason.size(); ++i) {
    r.by_reason[i] = g_auto_by_reason[i] - reasons_before[i];
  }
  return r;
}

}  // namespace cyclegc_e2e

#endif  // CYCLEGC_TESTS_TRIGGER_E2E_WORKLOAD_H_
