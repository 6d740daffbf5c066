#include "young_count.h"

#include <atomic>
#include <cstdint>

namespace cyclegc::internal {

size_t YoungCount::Subtract(int64_t delta) {
  int64_t old = value_.load(std::memory_order_relaxed);
  int64_t next = 0;
  do {
    next = old + delta;
    if (next < 0) next = 0;
  } while (!value_.compare_exchange_weak(old, next, std::memory_order_relaxed,
                                         std::memory_order_relaxed));
  return static_cast<size_t>(next);
}

}  // namespace cyclegc::internal
