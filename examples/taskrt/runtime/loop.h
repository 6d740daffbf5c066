// Loop: one event loop per thread. It holds strong references exactly to what
// is scheduled (the run queue and its cross-thread inbox) or waiting (tasks
// suspended on a future); the TaskRegistry only knows tasks weakly.
//
// External completions (CompleteLater) model I/O finishing outside the
// runtime: like an OS handle, the completion source knows its future only
// weakly, so a future nobody in the runtime holds can die before it resolves.
#ifndef TASKRT_RUNTIME_LOOP_H_
#define TASKRT_RUNTIME_LOOP_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/task.h"
#include "runtime/weak_ref.h"

namespace taskrt {

struct LoopOptions {
  // Deliberately broken: forget a task while it waits on a future (as asyncio
  // does), so nothing strong holds a waiting task.
  bool drop_waiting = false;
};

class Loop {
 public:
  using Options = LoopOptions;

  explicit Loop(std::string name, Options options = {});
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // The loop running on this thread (inside RunOnce), or nullptr.
  static Loop* Current();
  const std::string& name() const { return name_; }

  // A new task scheduled on this loop; empty Ref if allocation failed.
  cyclegc::Ref<Task> Spawn(std::string name, Task::StepFn step,
                           cyclegc::Ref<cyclegc::Object> closure);
  // Schedules `task` here, from any thread. Returns false, leaving `task` to
  // the caller, if the loop is closed.
  bool Post(cyclegc::Ref<Task>& task);

  // Resolves `future` with `value` after `ticks` iterations of this loop,
  // through a weak reference. Loop thread only.
  absl::Status CompleteLater(const cyclegc::Ref<Future>& future, int64_t value,
                             int ticks);

  // One iteration: take posted tasks, run each ready task one step, advance
  // the clock and fire due completions. Loop thread only.
  void RunOnce();
  // Runs until nothing is ready, waiting or due; an error if tasks wait on
  // futures nothing will resolve.
  absl::Status RunUntilIdle();
  // Nothing ready, posted, waiting or due.
  bool Idle();
  // Waits (in a cgc_blocking bracket) until something is posted or `timeout`.
  void WaitForPost(absl::Duration timeout);
  // Closes the loop if it is idle: later Posts are refused. Loop thread only.
  bool CloseIfIdle();

  size_t ready_count() const { return ready_.size(); }
  size_t waiting_count() const { return waiting_.size(); }
  size_t timer_count() const { return timers_.size(); }

 private:
  struct Timer {
    int64_t due;
    WeakRef<Future> future;
    int64_t value;
    std::string name;
  };

  static void WakeTask(Future& future, cyclegc::Ref<cyclegc::Object> task);
  void TakePosted();
  void RunStep(cyclegc::Ref<Task> task);
  void Suspend(cyclegc::Ref<Task> task, cyclegc::Ref<Future> future);
  void FireDueTimers();

  const std::string name_;
  const Options options_;
  int64_t tick_ = 0;
  std::deque<cyclegc::Ref<Task>> ready_;
  absl::flat_hash_map<Task*, cyclegc::Ref<Task>> waiting_;
  std::vector<Timer> timers_;

  // Cross-thread scheduling. Only pointers move under mu_ (no incref/decref):
  // a thread holding it never reaches a safepoint or runs a destructor.
  // std::mutex rather than absl::Mutex throughout the runtime: Debian's abseil
  // is not built with TSan, so TSan cannot see what absl::Mutex orders.
  std::mutex mu_;
  std::condition_variable posted_cv_;
  std::deque<cyclegc::Ref<Task>> posted_;  // guarded by mu_
  bool closed_ = false;                    // guarded by mu_
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_LOOP_H_
