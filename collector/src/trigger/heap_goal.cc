#include "heap_goal.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace cyclegc::internal {

HeapGoal ComputeHeapGoal(size_t last, const Config& c) {
  // In double: last x growth may exceed size_t for absurd growth values.
  auto grown = [&](double allowance) {
    double floor = static_cast<double>(MemMinFloor(c));
    double goal = static_cast<double>(last) + std::max(allowance, floor);
    return goal >= static_cast<double>(SIZE_MAX) ? SIZE_MAX
                                                 : static_cast<size_t>(goal);
  };
  HeapGoal g;
  g.bytes = grown(static_cast<double>(last) * MemGrowth(c));
  if (c.memory_limit != 0) {
    size_t headroom = c.memory_limit > last ? c.memory_limit - last : 0;
    size_t limit_goal = grown(static_cast<double>(headroom / 2));
    if (limit_goal < g.bytes) {
      g.bytes = limit_goal;
      g.reason = CGC_REASON_MEMORY_LIMIT;
    }
  }
  g.allowance = g.bytes > last ? g.bytes - last : 0;
  return g;
}

}  // namespace cyclegc::internal
