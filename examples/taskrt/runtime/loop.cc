#include "runtime/loop.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "cyclegc/cyclegc.h"
#include "runtime/counters.h"

namespace taskrt {
namespace {
thread_local Loop* t_current = nullptr;

// Marks the loop as the thread's current one for the duration of a call.
class CurrentLoopScope {
 public:
  explicit CurrentLoopScope(Loop* loop)
      : saved_(std::exchange(t_current, loop)) {}
  ~CurrentLoopScope() { t_current = saved_; }
  CurrentLoopScope(const CurrentLoopScope&) = delete;
  CurrentLoopScope& operator=(const CurrentLoopScope&) = delete;

 private:
  Loop* saved_;
};
}  // namespace

Loop::Loop(std::string name, Options options)
    : name_(std::move(name)), options_(options) {}

Loop* Loop::Current() { return t_current; }

cyclegc::Ref<Task> Loop::Spawn(std::string name, Task::StepFn step,
                               cyclegc::Ref<cyclegc::Object> closure) {
  cyclegc::Ref<Task> task =
      Task::Create(std::move(name), step, std::move(closure));
  if (!task) return task;
  cyclegc::Ref<Task> scheduled = task;
  if (!Post(scheduled)) return nullptr;
  return task;
}

bool Loop::Post(cyclegc::Ref<Task>& task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    task->home_.store(this, std::memory_order_release);
    posted_.push_back(std::move(task));
  }
  posted_cv_.notify_one();
  return true;
}

void Loop::WakeTask(Future& /*future*/,
                    cyclegc::Ref<cyclegc::Object> task_obj) {
  cyclegc::Ref<Task> task =
      cyclegc::Ref<Task>::Adopt(static_cast<Task*>(task_obj.Release()));
  Loop* home = task->home_.load(std::memory_order_acquire);
  // A loop with waiting tasks never closes (CloseIfIdle), so this succeeds;
  // in drop_waiting mode nothing waits there, but the loop is open until idle.
  if (!home->Post(task)) {
    Warn(WarningKind::kMisuse,
         absl::StrFormat("Task '%s' woke up on closed loop '%s'", task->name(),
                         home->name()));
  }
}

absl::Status Loop::CompleteLater(const cyclegc::Ref<Future>& future,
                                 int64_t value, int ticks) {
  WeakRef<Future> weak(future);
  if (!weak.ok()) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "cgc_weakref_new(Future '%s'): %s", future->name(), cgc_last_error()));
  }
  timers_.push_back(
      Timer{tick_ + ticks, std::move(weak), value, future->name()});
  return absl::OkStatus();
}

void Loop::TakePosted() {
  std::deque<cyclegc::Ref<Task>> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(posted_);
  }
  for (cyclegc::Ref<Task>& t : taken) {
    waiting_.erase(t.get());  // a wakeup; no-op for a newly posted task
    ready_.push_back(std::move(t));
  }
}

void Loop::RunOnce() {
  CurrentLoopScope scope(this);
  cgc_safepoint();  // the loop's back-edge: park here if a collection runs
  TakePosted();
  // Only the tasks ready now: what they schedule runs next iteration.
  for (size_t n = ready_.size(); n > 0; --n) {
    cyclegc::Ref<Task> task = std::move(ready_.front());
    ready_.pop_front();
    RunStep(std::move(task));
  }
  ++tick_;
  FireDueTimers();
}

void Loop::RunStep(cyclegc::Ref<Task> task) {
  if (task->done()) {
    GlobalCounters().tasks_stepped_after_done.fetch_add(1);
    Warn(
        WarningKind::kMisuse,
        absl::StrFormat("Task '%s' scheduled after it finished", task->name()));
    return;
  }
  if (task->awaiting_) {
    task->awaited_value_ = task->awaiting_->result();
    task->awaiting_.Reset();
    task->awaiting_name_.clear();
  }
  Step step = task->step_(*task, *task->closure_);
  switch (step.kind) {
    case Step::Kind::kYield:
      ready_.push_back(std::move(task));
      break;
    case Step::Kind::kAwait:
      Suspend(std::move(task), std::move(step.future));
      break;
    case Step::Kind::kDone: {
      Task::State expected = Task::State::kPending;
      if (task->state_.compare_exchange_strong(expected, Task::State::kDone)) {
        GlobalCounters().tasks_completed.fetch_add(1);
      }
      // Done callbacks (awaiting tasks, sessions) run now; the loop drops the
      // task when `task` goes out of scope.
      task->result_->SetResult(step.value);
      break;
    }
  }
}

void Loop::Suspend(cyclegc::Ref<Task> task, cyclegc::Ref<Future> future) {
  Task* key = task.get();
  task->awaiting_name_ = future->name();
  task->awaiting_ = future;
  // Held while waiting — before the callback is registered, since another
  // thread may resolve the future at once and post the task back.
  if (!options_.drop_waiting) waiting_.emplace(key, task);
  cyclegc::Ref<cyclegc::Object> waker = task;
  if (!future->AddDoneCallback(&Loop::WakeTask, std::move(waker))) {
    waiting_.erase(key);  // already resolved: run again next iteration
    ready_.push_back(std::move(task));
  }
}

void Loop::FireDueTimers() {
  std::vector<Timer> due;
  for (size_t i = 0; i < timers_.size();) {
    if (timers_[i].due <= tick_) {
      due.push_back(std::move(timers_[i]));
      timers_[i] = std::move(timers_.back());
      timers_.pop_back();
    } else {
      ++i;
    }
  }
  for (Timer& t : due) {
    cyclegc::Ref<Future> f = t.future.Lock();
    if (f) {
      f->SetResult(t.value);
    } else {
      GlobalCounters().completions_dropped.fetch_add(1);
    }
  }
}

bool Loop::Idle() {
  if (!ready_.empty() || !waiting_.empty() || !timers_.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return posted_.empty();
}

absl::Status Loop::RunUntilIdle() {
  while (!Idle()) {
    bool progress_possible = !ready_.empty() || !timers_.empty();
    if (!progress_possible) {
      std::lock_guard<std::mutex> lock(mu_);
      progress_possible = !posted_.empty();
    }
    if (!progress_possible) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "loop '%s': %d tasks wait on futures nothing will resolve", name_,
          waiting_.size()));
    }
    RunOnce();
  }
  return absl::OkStatus();
}

void Loop::WaitForPost(absl::Duration timeout) {
  // A thread inside the bracket counts as stopped: only pointers are touched.
  cgc_blocking_begin();
  {
    std::unique_lock<std::mutex> lock(mu_);
    posted_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [this] { return !posted_.empty(); });
  }
  cgc_blocking_end();
}

bool Loop::CloseIfIdle() {
  if (!ready_.empty() || !waiting_.empty() || !timers_.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (!posted_.empty()) return false;
  closed_ = true;
  return true;
}

}  // namespace taskrt
