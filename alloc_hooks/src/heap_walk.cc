// Full-page byte totals and the walk over all GC blocks.
#include <atomic>
#include <cstddef>

#include "alloc_hooks/alloc_hooks.h"
#include "heap_registry.h"
#include "mimalloc.h"
#include "thread_heaps.h"

namespace cyclegc::alloc {
namespace {

struct VisitState {
  BlockVisitor visit;
  void* arg;
  bool stopped = false;  // the visitor asked to stop
};

bool VisitOne(const mi_heap_t* /*heap*/, const mi_heap_area_t* /*area*/,
              void* block, size_t block_size, void* arg) {
  if (block == nullptr) return true;  // an area (page) header, not a block
  auto* st = static_cast<VisitState*>(arg);
  if (!st->visit(block, block_size, st->arg)) st->stopped = true;
  return !st->stopped;
}

}  // namespace

size_t FullPageBytes() {
  // Slot storage is never freed and its counters are written with relaxed
  // atomics (0 while a slot is free), so no lock and no in_use check.
  size_t total = mi_abandoned_full_page_bytes();
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    total += mi_heap_full_page_bytes(s->gc_storage) +
             mi_heap_full_page_bytes(s->plain_storage);
  }
  return total;
}

size_t ThreadFullPageBytes(const ThreadHeaps* heaps) {
  return mi_heap_full_page_bytes(heaps->gc_storage) +
         mi_heap_full_page_bytes(heaps->plain_storage);
}

void VisitGcBlocks(BlockVisitor visit, void* arg) {
  absl::MutexLock lock(&internal::HeapRegistryMutex());
  VisitState st{visit, arg};
  // Stop early only on the visitor's request: mi_heap_visit_blocks also
  // returns false for an empty heap.
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr && !st.stopped;
       s = s->next) {
    if (s->in_use)
      mi_heap_visit_blocks(s->gc, /*visit_all_blocks=*/true, &VisitOne, &st);
  }
  if (!st.stopped)
    mi_abandoned_visit_blocks(kGcHeapTag, /*visit_all_blocks=*/true, &VisitOne,
                              &st);
}

size_t FullPageBytesByWalk() {
  absl::MutexLock lock(&internal::HeapRegistryMutex());
  size_t total = mi_abandoned_full_page_bytes_walk();
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use) continue;
    total += mi_heap_full_page_bytes_walk(s->gc) +
             mi_heap_full_page_bytes_walk(s->plain);
  }
  return total;
}

}  // namespace cyclegc::alloc
