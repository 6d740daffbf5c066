// LoopGroup: K loops for K threads that hand tasks to each other. A loop whose
// thread has exited is closed; tasks posted to it go to the next open loop.
#ifndef TASKRT_RUNTIME_LOOP_GROUP_H_
#define TASKRT_RUNTIME_LOOP_GROUP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "cyclegc/cyclegc.hpp"
#include "runtime/loop.h"
#include "runtime/task.h"

namespace taskrt {

class LoopGroup {
 public:
  explicit LoopGroup(int loops);

  int size() const { return static_cast<int>(loops_.size()); }
  Loop& loop(int i) { return *loops_[i]; }

  // Schedules `task` on loop i, or on the next open one. False if every loop
  // is closed (the task is left to the caller).
  bool Post(int i, cyclegc::Ref<Task>& task);
  // Posts that landed on another loop than asked (its thread had exited).
  int64_t redirected() const { return redirected_.load(); }

 private:
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<int64_t> redirected_{0};
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_LOOP_GROUP_H_
