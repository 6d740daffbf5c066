// Task: a resumable step function over a closure object (its captured state).
// The loop calls the step until it returns Done; Await suspends the task until
// a future resolves. A task's result is published through its own Future.
#ifndef TASKRT_RUNTIME_TASK_H_
#define TASKRT_RUNTIME_TASK_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "cyclegc/cyclegc.hpp"
#include "runtime/future.h"

namespace taskrt {

class Loop;
class Task;

// What a step asks of the loop next.
struct Step {
  enum class Kind { kYield, kAwait, kDone };
  Kind kind = Kind::kYield;
  int64_t value = 0;            // kDone: the task's result
  cyclegc::Ref<Future> future;  // kAwait: what to wait for

  static Step Yield() { return Step{}; }
  static Step Await(cyclegc::Ref<Future> f) {
    return Step{Kind::kAwait, 0, std::move(f)};
  }
  static Step Done(int64_t value) { return Step{Kind::kDone, value, nullptr}; }
};

class Task : public cyclegc::Object {
 public:
  static constexpr const char* kTypeName = "Task";
  using StepFn = Step (*)(Task& self, cyclegc::Object& closure);
  enum class State { kPending, kDone };

  // A new task (not yet scheduled: see Loop::Spawn / Loop::Post), registered
  // weakly in the TaskRegistry. Empty Ref if allocation failed.
  static cyclegc::Ref<Task> Create(std::string name, StepFn step,
                                   cyclegc::Ref<cyclegc::Object> closure);

  Task(std::string name, StepFn step, cyclegc::Ref<cyclegc::Object> closure,
       cyclegc::Ref<Future> result);
  // Warns (and counts) if the task dies before finishing: the failure of a
  // loop that held it only weakly.
  ~Task();

  const std::string& name() const { return name_; }
  bool done() const {
    return state_.load(std::memory_order_acquire) == State::kDone;
  }
  // Resolved with the step's Done value.
  const cyclegc::Ref<Future>& result() const { return result_; }
  // Result of the future the task last awaited (valid in the step after it).
  int64_t awaited_value() const { return awaited_value_; }
  // The closure, typed: `auto& c = self.closure_as<Worker>();`.
  template <class C>
  C& closure_as() {
    return static_cast<C&>(*closure_);
  }

  void Trace(cyclegc::Visitor& v) {
    v(closure_);
    v(result_);
    v(awaiting_);
  }

 private:
  friend class Loop;

  const std::string name_;
  const StepFn step_;
  cyclegc::Ref<cyclegc::Object> closure_;
  cyclegc::Ref<Future> result_;
  cyclegc::Ref<Future> awaiting_;  // while suspended
  std::string awaiting_name_;      // kept for the warning after clear
  int64_t awaited_value_ = 0;
  std::atomic<State> state_{State::kPending};
  // The loop that runs it next; wakeups are posted there.
  std::atomic<Loop*> home_{nullptr};
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_TASK_H_
