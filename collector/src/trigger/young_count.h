// The young count: net new tracked objects since the last collection, shared
// by all threads. Threads fold their local deltas in batches (the runtime
// batches per thread, see OnYoungBatch), so this counter is touched once per
// few hundred allocations, not per allocation.
//
// Deallocations subtract; the count is clamped at zero, because objects that
// were young before the last collection die after it and must not make the
// next threshold further away.
#ifndef CYCLEGC_COLLECTOR_YOUNG_COUNT_H_
#define CYCLEGC_COLLECTOR_YOUNG_COUNT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cyclegc::internal {

class YoungCount {
 public:
  // Adds a (possibly negative) batch delta; returns the count after it.
  size_t Add(int64_t delta) {
    if (delta >= 0) {
      // Never negative before, never negative after: no clamp needed.
      return static_cast<size_t>(
          value_.fetch_add(delta, std::memory_order_relaxed) + delta);
    }
    return Subtract(delta);
  }
  size_t Load() const {
    return static_cast<size_t>(value_.load(std::memory_order_relaxed));
  }
  // Sets the count to zero; returns what it held.
  size_t TakeAll() {
    return static_cast<size_t>(value_.exchange(0, std::memory_order_relaxed));
  }
  void Reset() { value_.store(0, std::memory_order_relaxed); }

 private:
  size_t Subtract(int64_t delta);

  // Own cache line (the class is 64-aligned, so nothing shares it): every
  // thread's batches land here.
  alignas(64) std::atomic<int64_t> value_{0};
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_YOUNG_COUNT_H_
