#include "runtime/task.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "runtime/counters.h"
#include "runtime/task_registry.h"

namespace taskrt {

cyclegc::Ref<Task> Task::Create(std::string name, StepFn step,
                                cyclegc::Ref<cyclegc::Object> closure) {
  cyclegc::Ref<Future> result = cyclegc::Make<Future>(name + "/result");
  if (!result) return nullptr;
  cyclegc::Ref<Task> task = cyclegc::Make<Task>(
      std::move(name), step, std::move(closure), std::move(result));
  if (task) TaskRegistry::Global().Add(task);
  return task;
}

Task::Task(std::string name, StepFn step, cyclegc::Ref<cyclegc::Object> closure,
           cyclegc::Ref<Future> result)
    : name_(std::move(name)),
      step_(step),
      closure_(std::move(closure)),
      result_(std::move(result)) {
  GlobalCounters().tasks.created.fetch_add(1);
}

Task::~Task() {
  Counters& c = GlobalCounters();
  c.tasks.destroyed.fetch_add(1);
  if (!done()) {
    c.tasks_destroyed_pending.fetch_add(1);
    Warn(WarningKind::kTaskPending,
         awaiting_name_.empty()
             ? absl::StrFormat("Task '%s' was destroyed but it is pending",
                               name_)
             : absl::StrFormat("Task '%s' was destroyed but it is pending "
                               "(awaiting Future '%s')",
                               name_, awaiting_name_));
  }
}

}  // namespace taskrt
