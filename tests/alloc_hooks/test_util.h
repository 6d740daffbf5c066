// Shared helpers for the alloc_hooks tests.
#ifndef CYCLEGC_TESTS_ALLOC_HOOKS_TEST_UTIL_H_
#define CYCLEGC_TESTS_ALLOC_HOOKS_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <thread>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "gtest/gtest.h"

namespace cyclegc::alloc::testing {

// The calling thread's heaps for the duration of a scope.
class ScopedAttach {
 public:
  ScopedAttach() {
    auto h = AttachThread();
    EXPECT_TRUE(h.ok()) << h.status();
    heaps_ = h.ok() ? *h : nullptr;
  }
  ~ScopedAttach() {
    if (heaps_ != nullptr) DetachThread(heaps_);
  }
  ScopedAttach(const ScopedAttach&) = delete;
  ScopedAttach& operator=(const ScopedAttach&) = delete;
  ThreadHeaps* heaps() const { return heaps_; }

 private:
  ThreadHeaps* heaps_;
};

// Blocks carry a marker at offset 8 (mimalloc reuses word 0 of freed blocks)
// so a walk can recognise this test's live blocks; the marker is cleared
// before the block is freed, as the runtime clears ob_type_.
inline void Mark(void* block, uint64_t marker) {
  std::memcpy(static_cast<char*>(block) + 8, &marker, 8);
}
inline uint64_t MarkerOf(const void* block) {
  uint64_t m;
  std::memcpy(&m, static_cast<const char*>(block) + 8, 8);
  return m;
}
inline void UnmarkAndGcFree(void* block) {
  Mark(block, 0);
  GcFree(block);
}

// Allocates `per_size` marked GC blocks of each size, then frees every third
// (unmarked first): free runs inside pages and across bitmap words. Returns
// the blocks left live; the freed ones go to *freed if given.
inline std::vector<void*> AllocThenFreeEveryThird(
    ThreadHeaps* heaps, std::initializer_list<size_t> sizes, int per_size,
    uint64_t marker, std::vector<void*>* freed = nullptr) {
  std::vector<void*> live;
  for (size_t size : sizes) {
    std::vector<void*> all;
    for (int i = 0; i < per_size; ++i) {
      all.push_back(GcAlloc(heaps, size));
      Mark(all.back(), marker);
    }
    for (size_t i = 0; i < all.size(); ++i) {
      if (i % 3 == 1) {
        UnmarkAndGcFree(all[i]);
        if (freed != nullptr) freed->push_back(all[i]);
      } else {
        live.push_back(all[i]);
      }
    }
  }
  return live;
}

// Counter vs. page walk at a quiescent point.
#define EXPECT_COUNTER_MATCHES_WALK()                                     \
  do {                                                                    \
    const size_t counter = ::cyclegc::alloc::FullPageBytes();             \
    const size_t walk = ::cyclegc::alloc::FullPageBytesByWalk();          \
    EXPECT_EQ(counter, walk) << "full-page bytes: counter vs. page walk"; \
  } while (0)

}  // namespace cyclegc::alloc::testing

#endif  // CYCLEGC_TESTS_ALLOC_HOOKS_TEST_UTIL_H_
