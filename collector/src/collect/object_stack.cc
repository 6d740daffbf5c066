#include "object_stack.h"

#include <atomic>
#include <cstdlib>

#include "fault_injection.h"
namespace cyclegc::internal {
namespace {
std::atomic<long> g_growths_until_failure{-1};

bool SimulatedFailure() {
  long n = g_growths_until_failure.load(std::memory_order_relaxed);
  if (n < 0) return false;
  if (n == 0) return true;
  g_growths_until_failure.store(n - 1, std::memory_order_relaxed);
  return false;
}
}  // namespace

ObjectStack::~ObjectStack() { std::free(data_); }

void ObjectStack::Release() {
  std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

bool ObjectStack::Grow(size_t min_capacity) {
  if (SimulatedFailure() ||
      CGC_INJECT_ALLOC_FAILURE("collector.object_stack_grow"))
    return false;
  size_t capacity = capacity_ < 1024 ? 1024 : capacity_ * 2;
  if (capacity < min_capacity) capacity = min_capacity;
  if (capacity > SIZE_MAX / sizeof(cgc_object*)) return false;
  // Plain malloc, never the GC heaps: this runs while the world is stopped.
  void* p = std::realloc(data_, capacity * sizeof(cgc_object*));
  if (p == nullptr) return false;
  data_ = static_cast<cgc_object**>(p);
  capacity_ = capacity;
  return true;
}

void SetObjectStackGrowthFailureAfterForTesting(long n) {
  g_growths_until_failure.store(n, std::memory_order_relaxed);
}

}  // namespace cyclegc::internal
