// Cyclic garbage for the collector to find while a scenario runs, so the
// automatic collections it triggers have work besides walking live tasks.
#ifndef TASKRT_SCENARIOS_GARBAGE_H_
#define TASKRT_SCENARIOS_GARBAGE_H_

#include "cyclegc/cyclegc.hpp"
#include "runtime/closure.h"

namespace taskrt {

struct GarbageNode : ClosureBase {
  static constexpr const char* kTypeName = "GarbageNode";
  cyclegc::Ref<GarbageNode> next;
  void Trace(cyclegc::Visitor& v) { v(next); }
};

// Makes a two-node cycle and drops it.
inline void MakeCyclicGarbage() {
  cyclegc::Ref<GarbageNode> a = cyclegc::Make<GarbageNode>();
  cyclegc::Ref<GarbageNode> b = cyclegc::Make<GarbageNode>();
  if (!a || !b) return;
  a->next = b;
  b->next = a;
}

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_GARBAGE_H_
