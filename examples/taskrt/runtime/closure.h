// ClosureBase: the base of a task's captured state. A closure type derives from
// it, holds its captures as cyclegc::Ref members and lists them in Trace, e.g.
//
//   struct Worker : taskrt::ClosureBase {
//     static constexpr const char* kTypeName = "Worker";
//     cyclegc::Ref<Session> session;
//     int stage = 0;
//     void Trace(cyclegc::Visitor& v) { v(session); }
//   };
#ifndef TASKRT_RUNTIME_CLOSURE_H_
#define TASKRT_RUNTIME_CLOSURE_H_

#include "cyclegc/cyclegc.hpp"
#include "runtime/counters.h"

namespace taskrt {

class ClosureBase : public cyclegc::Object {
 public:
  ClosureBase() { GlobalCounters().closures.created.fetch_add(1); }
  ~ClosureBase() { GlobalCounters().closures.destroyed.fetch_add(1); }
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_CLOSURE_H_
