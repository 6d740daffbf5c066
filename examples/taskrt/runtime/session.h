// Session: a dispatch that owns its worker task, whose closure holds the
// session back — the session <-> task cycle of ../../shared background 000.
// Only the cycle collector frees a finished session unless the worker's done
// callback breaks the cycle (the fix users apply).
#ifndef TASKRT_RUNTIME_SESSION_H_
#define TASKRT_RUNTIME_SESSION_H_

#include <string>

#include "absl/status/statusor.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/closure.h"
#include "runtime/future.h"
#include "runtime/loop.h"
#include "runtime/task.h"

namespace taskrt {

class Session : public cyclegc::Object {
 public:
  static constexpr const char* kTypeName = "Session";

  // Starts a session whose worker runs on `loop`: it awaits an external
  // completion, then finishes with twice its value. With `break_cycle`, the
  // worker's done callback drops the session's reference to it.
  static absl::StatusOr<cyclegc::Ref<Session>> Dispatch(Loop& loop, int id,
                                                        bool break_cycle);

  Session(int id, bool break_cycle, cyclegc::Ref<Future> done);
  ~Session();

  int id() const { return id_; }
  const cyclegc::Ref<Task>& worker_task() const { return worker_task_; }
  // Resolved with the worker's result (teardown synchronizes on this).
  const cyclegc::Ref<Future>& done() const { return done_; }

  void Trace(cyclegc::Visitor& v) {
    v(worker_task_);
    v(done_);
  }

 private:
  static void OnWorkerDone(Future& result,
                           cyclegc::Ref<cyclegc::Object> session);

  const int id_;
  const bool break_cycle_;
  cyclegc::Ref<Task> worker_task_;
  cyclegc::Ref<Future> done_;
};

// The worker's captured state: it closes over its session.
struct SessionWorkerClosure : ClosureBase {
  static constexpr const char* kTypeName = "SessionWorkerClosure";
  cyclegc::Ref<Session> session;
  int stage = 0;
  void Trace(cyclegc::Visitor& v) { v(session); }
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_SESSION_H_
