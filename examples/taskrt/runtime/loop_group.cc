#include "runtime/loop_group.h"

#include "absl/strings/str_format.h"

namespace taskrt {

LoopGroup::LoopGroup(int loops) {
  for (int i = 0; i < loops; ++i) {
    loops_.push_back(std::make_unique<Loop>(absl::StrFormat("loop-%d", i)));
  }
}

bool LoopGroup::Post(int i, cyclegc::Ref<Task>& task) {
  for (int k = 0; k < size(); ++k) {
    if (loops_[(i + k) % size()]->Post(task)) {
      if (k != 0) redirected_.fetch_add(1);
      return true;
    }
  }
  return false;
}

}  // namespace taskrt
