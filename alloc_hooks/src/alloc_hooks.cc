// Per-thread heap set-up/teardown, fork and shutdown support, and the
// allocation entry points.
#include "alloc_hooks/alloc_hooks.h"

#include <pthread.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "heap_registry.h"
#include "mimalloc.h"
#include "thread_heaps.h"

// mimalloc's thread-exit key (src/init.c; not in its public header).
extern "C" pthread_key_t _mi_heap_default_key;

namespace cyclegc::alloc {
namespace {

using internal::HeapRegistryMutex;

// Hands every page of the slot's heaps to mimalloc's abandoned list (blocks
// stay valid and walkable; their bytes move to mi_abandoned_full_page_bytes)
// and frees the slot. Runs with the registry mutex held, so it never overlaps a
// VisitGcBlocks walk.
void AbandonSlot(ThreadHeaps* heaps)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(HeapRegistryMutex()) {
  for (mi_heap_t* h : heaps->heaps()) mi_heap_abandon_in_place(h);
  heaps->gc = heaps->plain = heaps->untracked = nullptr;
  internal::ReleaseSlot(heaps);
}

void DetachLocked(ThreadHeaps* heaps)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(HeapRegistryMutex()) {
  AbandonSlot(heaps);
  // A segment is abandoned only once every page in it is, and segments are
  // shared by all heaps of a thread: abandon the backing heap too so no GC page
  // is left in a segment that is neither owned nor on the abandoned list.
  mi_heap_collect_abandon(mi_heap_get_backing());
  // Run mimalloc's thread-done now, under our lock: left to the pthread key
  // destructor at thread exit it would pop and push abandoned segments
  // (_mi_abandoned_collect) concurrently with a walk. A later AttachThread on
  // this thread re-initialises mimalloc's thread state.
  mi_thread_done();
}

}  // namespace

absl::Status Init() {
  mi_process_init();
  // A collection frees a batch at once and the owner allocates the same
  // sizes right after: keep emptied pages for reuse in place (patch 0009).
  mi_heap_tag_keep_empty_pages(kGcHeapTag, true);
  mi_heap_tag_keep_empty_pages(kPlainHeapTag, true);
  mi_heap_tag_keep_empty_pages(kUntrackedHeapTag, true);
  return absl::OkStatus();
}

absl::Status Init(size_t gc_null_word_offset) {
  if (absl::Status s = Init(); !s.ok()) return s;
  absl::MutexLock lock(&HeapRegistryMutex());
  const size_t given = mi_heap_tag_null_word(kGcHeapTag);
  if (given == gc_null_word_offset) return absl::OkStatus();
  if (given != SIZE_MAX) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "alloc_hooks::Init: GC blocks already get a null word at offset %u, "
        "not %u: the walk by content would misread them",
        given, gc_null_word_offset));
  }
  if (internal::FirstSlot() != nullptr) {
    return absl::FailedPreconditionError(
        "alloc_hooks::Init: a null-word offset must be given before the first "
        "thread attaches (its pages have none)");
  }
  mi_heap_tag_null_word_on_extend(kGcHeapTag, gc_null_word_offset);
  return absl::OkStatus();
}

absl::StatusOr<ThreadHeaps*> AttachThread() {
  absl::MutexLock lock(&HeapRegistryMutex());
  ThreadHeaps* slot = internal::AcquireSlot();
  if (slot == nullptr) {
    return absl::ResourceExhaustedError(
        "AttachThread: out of memory for the thread's heap slot");
  }
  slot->gc = mi_heap_init_in_place(slot->gc_storage, kGcHeapTag);
  slot->plain = mi_heap_init_in_place(slot->plain_storage, kPlainHeapTag);
  slot->untracked =
      mi_heap_init_in_place(slot->untracked_storage, kUntrackedHeapTag);
  if (slot->gc == nullptr || slot->plain == nullptr ||
      slot->untracked == nullptr) {
    AbandonSlot(slot);
    return absl::InternalError(
        "AttachThread: mimalloc could not initialise the thread's heaps");
  }
  slot->owner = pthread_self();
  return slot;
}

void DetachThread(ThreadHeaps* heaps) {
  absl::MutexLock lock(&HeapRegistryMutex());
  DetachLocked(heaps);
}

void DeferThreadDoneToDetach() {
  // mimalloc registers the default heap under this key only to learn of the
  // thread's exit; allocation does not read it.
  if (_mi_heap_default_key != static_cast<pthread_key_t>(-1)) {
    pthread_setspecific(_mi_heap_default_key, nullptr);
  }
}

void OrphanThreadAfterFork(ThreadHeaps* heaps) {
  absl::MutexLock lock(&HeapRegistryMutex());
  // The dead thread's mimalloc state was copied into the child and nothing else
  // uses it, so its heaps can be abandoned from here. Its backing heap holds no
  // pages (cyclegc never allocates from backing heaps), so its segments become
  // fully abandoned.
  AbandonSlot(heaps);
}

void ForkPrepare() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  HeapRegistryMutex().Lock();
}
void ForkParent() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  HeapRegistryMutex().Unlock();
}
void ForkChild() { internal::ReinitHeapRegistryMutexAfterFork(); }

bool Shutdown() {
  absl::MutexLock lock(&HeapRegistryMutex());
  bool others_attached = false;
  for (ThreadHeaps* s = internal::FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use) continue;
    if (pthread_equal(s->owner, pthread_self())) {
      DetachLocked(s);
    } else {
      others_attached = true;
    }
  }
  // Never free a slot another thread still uses; leaking beats a crash.
  if (others_attached) return false;
  internal::FreeAllSlots();
  return true;
}

void* GcAlloc(ThreadHeaps* heaps, size_t size) {
  return mi_heap_zalloc(heaps->gc, size);
}

void* UntrackedAlloc(ThreadHeaps* heaps, size_t size) {
  return mi_heap_zalloc(heaps->untracked, size);
}

void GcFree(void* block) { mi_free(block); }

size_t UsableSize(const void* block) { return mi_usable_size(block); }

bool InGcHeap(const ThreadHeaps* heaps, const void* block) {
  return heaps != nullptr && heaps->gc != nullptr &&
         mi_heap_contains_block(heaps->gc, block);
}

void* Malloc(ThreadHeaps* heaps, size_t size) {
  return mi_heap_malloc(heaps->plain, size);
}

void Free(void* p) { mi_free(p); }

void ProcessDelayedFrees(ThreadHeaps* heaps) {
  for (mi_heap_t* h : heaps->heaps()) mi_heap_process_delayed_frees(h);
}

}  // namespace cyclegc::alloc
