// Walks over GC heaps and full-page totals.
#include <cstddef>

#include "alloc_hooks/alloc_hooks.h"
#include "mimalloc.h"
#include "registry.h"
#include "thread_heaps.h"

namespace cyclegc::alloc {
namespace {

struct VisitState {
  BlockVisitor visit;
  void* arg;
};

bool VisitOne(const mi_heap_t* /*heap*/, const mi_heap_area_t* /*area*/,
              void* block, size_t block_size, void* arg) {
  if (block == nullptr) return true;  // area header, not a block
  auto* st = static_cast<VisitState*>(arg);
  return st->visit(block, block_size, st->arg);
}

}  // namespace

void VisitGcBlocks(BlockVisitor visit, void* arg) {
  absl::MutexLock lock(&internal::RegistryMutex());
  VisitState st{visit, arg};
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use.load(std::memory_order_relaxed) || s->gc == nullptr)
      continue;
    if (!mi_heap_visit_blocks(s->gc, /*visit_all_blocks=*/true, &VisitOne, &st))
      return;
  }
}

size_t FullPageBytes() { return 0; }

size_t ThreadFullPageBytes(const ThreadHeaps* /*heaps*/) { return 0; }

size_t FullPageBytesByWalk() { return 0; }

}  // namespace cyclegc::alloc
