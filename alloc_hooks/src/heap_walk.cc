// Full-page byte totals and the walks over all GC blocks and all untracked
// objects' blocks.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "alloc_hooks/alloc_hooks.h"
#include "heap_registry.h"
#include "mimalloc.h"
#include "thread_heaps.h"

namespace cyclegc::alloc {
namespace {

struct PageVisitState {
  PageVisitor visit;
  void* arg;
  bool stopped = false;  // the visitor asked to stop
};

bool VisitPage(const mi_page_blocks_t* blocks, void* arg) {
  auto* st = static_cast<PageVisitState*>(arg);
  const PageBlocks page{blocks->start, blocks->block_size,
                        blocks->usable_block_size, blocks->capacity,
                        blocks->free_map};
  if (!st->visit(page, st->arg)) st->stopped = true;
  return !st->stopped;
}

struct BlockVisitState {
  BlockVisitor visit;
  void* arg;
};

bool VisitBlocksOfPage(const PageBlocks& page, void* arg) {
  auto* st = static_cast<BlockVisitState*>(arg);
  return ForEachAllocatedBlock(page, [st, &page](void* block) {
    return st->visit(block, page.block_size, st->arg);
  });
}

// The pages of every heap of one kind (`heap` of each slot, pages tagged
// `tag`), attached threads' then abandoned ones, through one pair of
// mimalloc's page visitors (with free maps, patch 0007, or without, patch
// 0008).
using HeapPagesFn = bool (*)(const mi_heap_t*, mi_page_blocks_fun*, void*);
using AbandonedPagesFn = bool (*)(int, mi_page_blocks_fun*, void*);
void VisitEveryPage(mi_heap_t* ThreadHeaps::*heap, uint8_t tag,
                    HeapPagesFn heap_pages, AbandonedPagesFn abandoned_pages,
                    PageVisitor visit, void* arg) {
  absl::MutexLock lock(&internal::HeapRegistryMutex());
  PageVisitState st{visit, arg};
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr && !st.stopped;
       s = s->next) {
    if (s->in_use) heap_pages(s->*heap, &VisitPage, &st);
  }
  if (!st.stopped) abandoned_pages(tag, &VisitPage, &st);
}

// Pages walked by content: blocks too small for the null word hold no
// caller's object either.
struct ByContentFilter {
  PageVisitor visit;
  void* arg;
  size_t min_stride;
  static bool Visit(const PageBlocks& page, void* self) {
    auto* f = static_cast<ByContentFilter*>(self);
    return page.stride < f->min_stride || f->visit(page, f->arg);
  }
};

// Set before any thread attached (alloc_hooks::Init), under the registry
// mutex every attach takes since. SIZE_MAX without Init(offset).
size_t GcNullWordOffset() { return mi_heap_tag_null_word(kGcHeapTag); }

}  // namespace

size_t FullPageBytes() {
  // Slot storage is never freed and its counters are written with relaxed
  // atomics (0 while a slot is free), so no lock and no in_use check.
  size_t total = mi_abandoned_full_page_bytes();
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    total += ThreadFullPageBytes(s);
  }
  return total;
}

size_t ThreadFullPageBytes(const ThreadHeaps* heaps) {
  // The storages: a free slot's counters read 0.
  size_t total = 0;
  for (const mi_heap_t* h : heaps->storages()) {
    total += mi_heap_full_page_bytes(h);
  }
  return total;
}

size_t ThreadEmptyPages(const ThreadHeaps* heaps) {
  size_t total = 0;
  for (const mi_heap_t* h : heaps->heaps()) total += mi_heap_empty_pages(h);
  return total;
}

size_t CommittedBytes() {
  size_t current_commit = 0;
  mi_process_info(nullptr, nullptr, nullptr, nullptr, nullptr, &current_commit,
                  nullptr, nullptr);
  return current_commit;
}

void VisitGcPages(PageVisitor visit, void* arg) {
  VisitEveryPage(&ThreadHeaps::gc, kGcHeapTag, &mi_heap_visit_page_blocks,
                 &mi_abandoned_visit_page_blocks, visit, arg);
}

void VisitGcPagesByContent(PageVisitor visit, void* arg) {
  const size_t offset = GcNullWordOffset();
  if (offset == SIZE_MAX) return VisitGcPages(visit, arg);
  ByContentFilter filter{visit, arg, offset + sizeof(void*)};
  VisitEveryPage(&ThreadHeaps::gc, kGcHeapTag, &mi_heap_visit_page_areas,
                 &mi_abandoned_visit_page_areas, &ByContentFilter::Visit,
                 &filter);
}

void VisitThreadGcPagesByContent(const ThreadHeaps* heaps, PageVisitor visit,
                                 void* arg) {
  ByContentFilter filter{visit, arg, GcNullWordOffset() + sizeof(void*)};
  PageVisitState st{&ByContentFilter::Visit, &filter};
  mi_heap_visit_page_areas(heaps->gc, &VisitPage, &st);
}

void VisitAbandonedGcPagesByContent(PageVisitor visit, void* arg) {
  ByContentFilter filter{visit, arg, GcNullWordOffset() + sizeof(void*)};
  PageVisitState st{&ByContentFilter::Visit, &filter};
  absl::MutexLock lock(&internal::HeapRegistryMutex());
  mi_abandoned_visit_page_areas(kGcHeapTag, &VisitPage, &st);
}

bool GcPagesWalkableByContent() { return GcNullWordOffset() != SIZE_MAX; }

void VisitGcBlocks(BlockVisitor visit, void* arg) {
  BlockVisitState st{visit, arg};
  VisitGcPages(&VisitBlocksOfPage, &st);
}

void VisitUntrackedBlocks(BlockVisitor visit, void* arg) {
  BlockVisitState st{visit, arg};
  VisitEveryPage(&ThreadHeaps::untracked, kUntrackedHeapTag,
                 &mi_heap_visit_page_blocks, &mi_abandoned_visit_page_blocks,
                 &VisitBlocksOfPage, &st);
}

size_t FullPageBytesByWalk() {
  absl::MutexLock lock(&internal::HeapRegistryMutex());
  size_t total = mi_abandoned_full_page_bytes_walk();
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use) continue;
    for (mi_heap_t* h : s->heaps()) total += mi_heap_full_page_bytes_walk(h);
  }
  return total;
}

}  // namespace cyclegc::alloc
