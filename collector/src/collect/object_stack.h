// A growable array of object pointers backed by malloc, for the collector's
// object list, unreachable set and mark work stack. Unlike std::vector it
// reports allocation failure instead of throwing, so a collection that cannot
// get memory backs off cleanly (nothing freed) instead of aborting.
#ifndef CYCLEGC_COLLECTOR_OBJECT_STACK_H_
#define CYCLEGC_COLLECTOR_OBJECT_STACK_H_

#include <cstddef>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

class ObjectStack {
 public:
  ObjectStack() = default;
  ~ObjectStack();
  ObjectStack(const ObjectStack&) = delete;
  ObjectStack& operator=(const ObjectStack&) = delete;

  // False on out-of-memory (the stack is unchanged).
  [[nodiscard]] bool Push(cgc_object* o) {
    if (size_ == capacity_ && !Grow(size_ + 1)) return false;
    data_[size_++] = o;
    return true;
  }
  cgc_object* Pop() { return data_[--size_]; }
  // Makes room for `n` elements in total. False on out-of-memory.
  [[nodiscard]] bool Reserve(size_t n) { return n <= capacity_ || Grow(n); }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  cgc_object* operator[](size_t i) const { return data_[i]; }
  cgc_object** begin() { return data_; }
  cgc_object** end() { return data_ + size_; }
  // Keeps the first n elements (n <= size()).
  void Truncate(size_t n) { size_ = n; }
  // Takes the first n elements as written through begin() (n <= the
  // capacity a Reserve made).
  void SetSizeAfterWrites(size_t n) { size_ = n; }
  // Empties the stack and returns its memory.
  void Release();

 private:
  bool Grow(size_t min_capacity);

  cgc_object** data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Test support: the next `n` growths succeed, the following ones fail
// (simulated out-of-memory); negative = never fail (the default).
void SetObjectStackGrowthFailureAfterForTesting(long n);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_OBJECT_STACK_H_
