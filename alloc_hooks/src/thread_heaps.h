// Internal: one registry slot per attached thread. Slots are never freed before
// Shutdown(), so lock-free readers (FullPageBytes) may traverse them at any
// time.
#ifndef CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_
#define CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_

#include <atomic>

#include "mimalloc.h"

namespace cyclegc::alloc {

struct ThreadHeaps {
  mi_heap_t* gc = nullptr;     // GC objects (tag kGcHeapTag)
  mi_heap_t* plain = nullptr;  // cgc_malloc memory (tag kPlainHeapTag)
  // True while a thread owns this slot (between AttachThread and
  // DetachThread/OrphanThreadAfterFork).
  std::atomic<bool> in_use{false};
  // Registry link; written once before the slot is published.
  ThreadHeaps* next = nullptr;
};

}  // namespace cyclegc::alloc

#endif  // CYCLEGC_ALLOC_HOOKS_SRC_THREAD_HEAPS_H_
