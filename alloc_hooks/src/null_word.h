// Internal: the null word of alloc_hooks::Init(offset), for the walk by
// content (VisitGcPagesByContent).
#ifndef CYCLEGC_ALLOC_HOOKS_SRC_NULL_WORD_H_
#define CYCLEGC_ALLOC_HOOKS_SRC_NULL_WORD_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cyclegc::alloc::internal {

inline constexpr size_t kNoNullWord = SIZE_MAX;

// Set once, under the registry mutex, before any thread attaches.
inline std::atomic<size_t> g_gc_null_word_offset{kNoNullWord};

inline size_t GcNullWordOffset() {
  return g_gc_null_word_offset.load(std::memory_order_acquire);
}
inline void SetGcNullWordOffset(size_t offset) {
  g_gc_null_word_offset.store(offset, std::memory_order_release);
}

}  // namespace cyclegc::alloc::internal

#endif  // CYCLEGC_ALLOC_HOOKS_SRC_NULL_WORD_H_
