// Internal: one registry slot per attached thread. Slots and their heap storage
// are never freed before Shutdown(), so lock-free readers (FullPageBytes) may
// read any slot's counters at any time.
#ifndef CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_
#define CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_

#include <pthread.h>

#include <array>

#include "mimalloc.h"

namespace cyclegc::alloc {

// Heap tags (patched mimalloc): reclaimed pages go to a heap with their tag,
// so GC pages never end up in a plain heap. 0 is mimalloc's backing heap.
inline constexpr uint8_t kGcHeapTag = 1;
inline constexpr uint8_t kPlainHeapTag = 2;
// Objects that are never tracked (UntrackedAlloc): apart from the GC heap so
// that the collector's walk never reads them.
inline constexpr uint8_t kUntrackedHeapTag = 3;

struct ThreadHeaps {
  // Caller-owned mi_heap_t storage (mi_heap_struct_size() bytes each, zeroed
  // at creation). Their full_page_bytes counters are 0 while the slot is free.
  mi_heap_t* gc_storage = nullptr;
  mi_heap_t* plain_storage = nullptr;
  mi_heap_t* untracked_storage = nullptr;
  // Initialised heaps while attached, nullptr otherwise.
  mi_heap_t* gc = nullptr;
  mi_heap_t* plain = nullptr;
  mi_heap_t* untracked = nullptr;
  // Each of the above in one list, for what applies to every heap of the
  // thread (a heap added to the slot is added here once).
  std::array<mi_heap_t*, 3> storages() const {
    return {gc_storage, plain_storage, untracked_storage};
  }
  std::array<mi_heap_t*, 3> heaps() const { return {gc, plain, untracked}; }
  // Guarded by the registry mutex.
  bool in_use = false;
  pthread_t owner{};
  // Registry link; written once before the slot is published.
  ThreadHeaps* next = nullptr;
};

}  // namespace cyclegc::alloc

#endif  // CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_
