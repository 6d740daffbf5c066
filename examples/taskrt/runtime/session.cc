#include "runtime/session.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "cyclegc/cyclegc.h"
#include "runtime/counters.h"

namespace taskrt {
namespace {

absl::Status AllocationError(absl::string_view what) {
  return absl::ResourceExhaustedError(
      absl::StrFormat("%s: %s", what, cgc_last_error()));
}

Step SessionWorkerStep(Task& self, cyclegc::Object& closure) {
  auto& c = static_cast<SessionWorkerClosure&>(closure);
  switch (c.stage++) {
    case 0: {
      // The dispatch's "I/O": completed by the loop a tick later.
      cyclegc::Ref<Future> io = cyclegc::Make<Future>(self.name() + "/io");
      if (!io || !Loop::Current()->CompleteLater(io, c.session->id(), 1).ok()) {
        return Step::Done(-1);
      }
      return Step::Await(std::move(io));
    }
    default:
      return Step::Done(2 * self.awaited_value());
  }
}

}  // namespace

Session::Session(int id, bool break_cycle, cyclegc::Ref<Future> done)
    : id_(id), break_cycle_(break_cycle), done_(std::move(done)) {
  GlobalCounters().sessions.created.fetch_add(1);
}

Session::~Session() { GlobalCounters().sessions.destroyed.fetch_add(1); }

absl::StatusOr<cyclegc::Ref<Session>> Session::Dispatch(Loop& loop, int id,
                                                        bool break_cycle) {
  std::string name = absl::StrFormat("session-%d", id);
  cyclegc::Ref<Future> done = cyclegc::Make<Future>(name + "/done");
  if (!done) return AllocationError("Future");
  cyclegc::Ref<Session> session =
      cyclegc::Make<Session>(id, break_cycle, std::move(done));
  if (!session) return AllocationError("Session");
  cyclegc::Ref<SessionWorkerClosure> closure =
      cyclegc::Make<SessionWorkerClosure>();
  if (!closure) return AllocationError("SessionWorkerClosure");
  closure->session = session;  // the worker closes over its session...
  cyclegc::Ref<Task> task =
      loop.Spawn(name + "/worker", &SessionWorkerStep, std::move(closure));
  if (!task) return AllocationError("Task");
  cyclegc::Ref<cyclegc::Object> arg = session;
  task->result()->AddDoneCallback(&Session::OnWorkerDone, std::move(arg));
  session->worker_task_ =
      std::move(task);  // ...and the session owns its worker
  return session;
}

void Session::OnWorkerDone(Future& result, cyclegc::Ref<cyclegc::Object> arg) {
  auto* session = static_cast<Session*>(arg.get());
  session->done_->SetResult(result.result());
  // The fix of background 000: once the completion future is settled nothing
  // reads the task through the session, so drop it and break the cycle.
  if (session->break_cycle_) session->worker_task_.Reset();
}

}  // namespace taskrt
