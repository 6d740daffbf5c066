// Per-thread heap set-up/teardown and the allocation entry points.
#include "alloc_hooks/alloc_hooks.h"

#include <cstring>

#include "absl/status/status.h"
#include "mimalloc.h"
#include "registry.h"
#include "thread_heaps.h"

namespace cyclegc::alloc {

using internal::RegistryMutex;

absl::Status Init() {
  // mimalloc initialises itself lazily; a failing first allocation means it
  // cannot get memory from the OS.
  void* probe = mi_malloc(16);
  if (probe == nullptr) {
    return absl::ResourceExhaustedError(
        "mimalloc cannot allocate (mi_malloc(16) failed)");
  }
  mi_free(probe);
  return absl::OkStatus();
}

absl::StatusOr<ThreadHeaps*> AttachThread() {
  absl::MutexLock lock(&RegistryMutex());
  ThreadHeaps* slot = internal::AcquireSlot();
  slot->gc = mi_heap_new();
  slot->plain = mi_heap_new();
  if (slot->gc == nullptr || slot->plain == nullptr) {
    if (slot->gc != nullptr) mi_heap_delete(slot->gc);
    if (slot->plain != nullptr) mi_heap_delete(slot->plain);
    slot->gc = slot->plain = nullptr;
    internal::ReleaseSlot(slot);
    return absl::ResourceExhaustedError(
        "AttachThread: mimalloc could not create the thread's heaps");
  }
  return slot;
}

void DetachThread(ThreadHeaps* heaps) {
  absl::MutexLock lock(&RegistryMutex());
  mi_heap_delete(heaps->gc);
  mi_heap_delete(heaps->plain);
  heaps->gc = heaps->plain = nullptr;
  internal::ReleaseSlot(heaps);
}

void OrphanThreadAfterFork(ThreadHeaps* heaps) {
  absl::MutexLock lock(&RegistryMutex());
  heaps->gc = heaps->plain = nullptr;
  internal::ReleaseSlot(heaps);
}

void Shutdown() {
  absl::MutexLock lock(&RegistryMutex());
  internal::FreeAllSlots();
}

void* GcAlloc(ThreadHeaps* heaps, size_t size) {
  return mi_heap_zalloc(heaps->gc, size);
}

void GcFree(void* block) { mi_free(block); }

size_t UsableSize(const void* block) { return mi_usable_size(block); }

void* Malloc(ThreadHeaps* heaps, size_t size) {
  return mi_heap_malloc(heaps->plain, size);
}

void Free(void* p) { mi_free(p); }

}  // namespace cyclegc::alloc
