// The collector's view of the allocator. The only mimalloc-facing API in
// cyclegc: collector/ includes this header, never mimalloc's.
//
// Threading contract:
//  - AttachThread/DetachThread run on the thread they concern.
//  - GcAlloc/Malloc allocate from the *calling* thread's heaps (it must be
//    attached); GcFree/Free may run on any thread.
//  - FullPageBytes() may be called from any thread at any time, without
//    stopping the world.
//  - VisitGcBlocks() requires that no attached thread is allocating or freeing
//    GC blocks (the world is stopped) and that no thread is
//    attaching/detaching.
#ifndef CYCLEGC_ALLOC_HOOKS_ALLOC_HOOKS_H_
#define CYCLEGC_ALLOC_HOOKS_ALLOC_HOOKS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

// GCC defines __SANITIZE_ADDRESS__; clang 14 (the fuzz build) only answers
// __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define CGC_ALLOC_HOOKS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CGC_ALLOC_HOOKS_ASAN 1
#endif
#endif
#if defined(CGC_ALLOC_HOOKS_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace cyclegc::alloc {

// One attached thread's heaps and counters: a GC heap (the objects the
// collector walks), a plain heap (runtime memory) and an untracked heap
// (objects that are never tracked, which no collection reads).
struct ThreadHeaps;

// Initialise process-wide state (idempotent). Fails if mimalloc is unusable.
absl::Status Init();
// The same, and every GC block that was never handed out gets a null word at
// `gc_null_word_offset`: a caller that nulls that word before GcFree and keeps
// it non-null in every block in use can walk pages by content
// (VisitGcPagesByContent). Fails if a thread attached before under Init()
// alone, or if an earlier call gave another offset.
absl::Status Init(size_t gc_null_word_offset);

// Creates the calling thread's heaps. One per thread; the collector keeps the
// pointer in its thread state.
absl::StatusOr<ThreadHeaps*> AttachThread();

// Called on the owning thread when it detaches or exits, while it still counts
// as attached (no walk may run concurrently). Its pages are handed to
// mimalloc's abandoned list: live blocks stay valid and walkable, other
// threads may later reclaim the pages (GC pages only into GC heaps), and their
// full-page bytes move to the abandoned total, so nothing is lost or counted
// twice. Also finishes mimalloc's per-thread state, so the thread may exit, or
// keep running and AttachThread again later (getting fresh heaps). `heaps` must
// not be used afterwards.
void DetachThread(ThreadHeaps* heaps);

// Called on an exiting thread, before the pthread-key destructors run, when
// its DetachThread will come from one of them: keeps mimalloc's own exit
// handler (also a key destructor, usually run first) from finishing the
// thread's mimalloc state while other key destructors still allocate and free.
// DetachThread finishes it instead.
void DeferThreadDoneToDetach();

// Called in a fork() child for every ThreadHeaps whose thread did not survive
// the fork (only the forking thread does). Its pages are handed to the
// abandoned list as if the thread had detached: its GC blocks stay walkable,
// its bytes stay counted, and the slot becomes free. Single-threaded child
// only.
void OrphanThreadAfterFork(ThreadHeaps* heaps);

// fork() support for the runtime's pthread_atfork handlers: ForkPrepare takes
// the registry lock, ForkParent releases it, ForkChild gives the child a fresh
// unlocked one (safe even without ForkPrepare). Call OrphanThreadAfterFork only
// after ForkChild.
void ForkPrepare();
void ForkParent();
void ForkChild();

// Releases everything alloc_hooks owns (registry slots and heap storage) so
// leak checkers see nothing after cgc_shutdown. The calling thread is detached
// if it is still attached. Returns false, and frees nothing, if another thread
// is still attached. Init() may be called again afterwards. Must not run
// concurrently with any other function here.
bool Shutdown();

// Zeroed GC block of `size` bytes from the calling thread's GC heap.
// nullptr on out-of-memory.
void* GcAlloc(ThreadHeaps* heaps, size_t size);
// Zeroed block of `size` bytes for an object that is never tracked, from the
// calling thread's untracked heap: VisitGcBlocks and VisitGcPages* never see
// it (VisitUntrackedBlocks does). nullptr on out-of-memory.
void* UntrackedAlloc(ThreadHeaps* heaps, size_t size);
// Frees a GC or untracked block from any thread.
void GcFree(void* block);
// Usable size of a block (GC or plain).
size_t UsableSize(const void* block);
// True if `block` (a live GC block) lies in `heaps`' GC heap: freed by that
// thread, it goes straight back to the page's free list; by another, through
// the page's cross-thread list. O(1).
bool InGcHeap(const ThreadHeaps* heaps, const void* block);

// Plain runtime memory (cgc_malloc / cgc_free) from the calling thread's plain
// heap. nullptr on out-of-memory.
void* Malloc(ThreadHeaps* heaps, size_t size);
void Free(void* p);

// Frees now the blocks other threads freed into the calling thread's full
// pages (mimalloc's delayed-free lists of its heaps), so that those pages
// leave the full-page count before the thread's next slow-path allocation.
// Calling thread's own heaps only. One load per heap when nothing is pending.
void ProcessDelayedFrees(ThreadHeaps* heaps);

// Process-wide bytes in full mimalloc pages: the sum of every attached thread's
// counters plus the bytes of abandoned pages (detached/exited threads' pages
// not yet reclaimed). Lock-free, never stops the world; cost O(registry slots)
// relaxed loads.
size_t FullPageBytes();

// Full-page bytes of one thread's heaps (GC + plain + untracked).
size_t ThreadFullPageBytes(const ThreadHeaps* heaps);

// Pages of one thread's heaps (GC + plain + untracked) with no block in use: a
// page that empties is kept in its heap for reuse until allocations of other
// sizes needed a few fresh pages. The owner thread only (or its heaps stopped).
size_t ThreadEmptyPages(const ThreadHeaps* heaps);

// Bytes mimalloc holds committed from the OS, process-wide (every heap of
// every thread, cyclegc's or not). Freed spans leave it once they stayed free
// for a whole decommit window (patch 0010). Costs a getrusage call (read
// through mimalloc's process info); for tests and diagnostics.
size_t CommittedBytes();

// Visits every allocated block of every GC heap: attached threads' heaps and
// pages abandoned by threads that exited or detached. Each live block exactly
// once. `visit` returns false to stop early. Requires a stopped world.
using BlockVisitor = bool (*)(void* block, size_t block_size, void* arg);
void VisitGcBlocks(BlockVisitor visit, void* arg);

// VisitGcBlocks over the untracked heaps (attached and abandoned) instead:
// for cgc_shutdown, which destroys every object left. Requires a stopped
// world.
void VisitUntrackedBlocks(BlockVisitor visit, void* arg);

// The allocated blocks of one page: block i starts at start + i * stride and
// is free if bit i of free_map is set; i < capacity.
struct PageBlocks {
  uint8_t* start;
  size_t stride;
  size_t block_size;  // usable bytes, as VisitGcBlocks reports
  size_t capacity;
  const uintptr_t* free_map;
};

// Calls fn(block) for each allocated block of `page` in address order, or,
// without a free map (VisitGcPagesByContent), for every block below capacity;
// returns false as soon as fn does.
template <typename Fn>
inline bool ForEachAllocatedBlock(const PageBlocks& page, Fn fn) {
  if (page.free_map == nullptr) {
    for (size_t i = 0; i < page.capacity; ++i) {
      if (!fn(static_cast<void*>(page.start + i * page.stride))) return false;
    }
    return true;
  }
  constexpr size_t kBits = 8 * sizeof(uintptr_t);
  const size_t words = (page.capacity + kBits - 1) / kBits;
  for (size_t w = 0; w < words; ++w) {
    uintptr_t used = ~page.free_map[w];
    const size_t tail = page.capacity - w * kBits;
    if (tail < kBits) used &= (uintptr_t{1} << tail) - 1;
    while (used != 0) {
      const size_t i = w * kBits + static_cast<size_t>(__builtin_ctzl(used));
      used &= used - 1;
      if (!fn(static_cast<void*>(page.start + i * page.stride))) return false;
    }
  }
  return true;
}

// VisitGcBlocks a page at a time: the same pages, for a visitor that
// iterates the blocks itself (ForEachAllocatedBlock), without a call per
// block. `visit` returns false to stop early. Requires a stopped world.
using PageVisitor = bool (*)(const PageBlocks& page, void* arg);
void VisitGcPages(PageVisitor visit, void* arg);

// VisitGcPages without the free lists (free_map is null): every block below
// capacity is either in use or has the null word of Init(offset), which the
// visitor reads to tell them apart. Cheaper on pages that are mostly free,
// and writes no page state of other threads. Pages whose blocks are too
// small to hold the word are skipped. Without Init(offset) this is
// VisitGcPages. Requires a stopped world.
void VisitGcPagesByContent(PageVisitor visit, void* arg);

// VisitGcPagesByContent split for a walk in parallel: the pages of one
// attached thread's GC heap, and the pages threads that exited or detached
// left (abandoned). Together, over every attached thread, the same pages once
// each. Several threads may walk different heaps at once. Only when
// GcPagesWalkableByContent() (Init(offset)). Require a stopped world.
void VisitThreadGcPagesByContent(const ThreadHeaps* heaps, PageVisitor visit,
                                 void* arg);
void VisitAbandonedGcPagesByContent(PageVisitor visit, void* arg);
bool GcPagesWalkableByContent();

// Whether a visitor of VisitGcPagesByContent may read the word at `offset`
// of `block`: under AddressSanitizer mimalloc (MI_ASAN) poisons free blocks,
// which must be recognised without a read. Always true otherwise.
inline bool BlockWordReadable(const void* block, size_t offset) {
#if defined(CGC_ALLOC_HOOKS_ASAN)
  return !__asan_address_is_poisoned(static_cast<const char*>(block) + offset);
#else
  (void)block;
  (void)offset;
  return true;
#endif
}

// Test support: recomputes FullPageBytes() by walking every page of every heap
// (attached and abandoned). Equal to FullPageBytes() at any quiescent point.
size_t FullPageBytesByWalk();

}  // namespace cyclegc::alloc

#endif  // CYCLEGC_ALLOC_HOOKS_ALLOC_HOOKS_H_
