// Internal: the set of ThreadHeaps slots. Claiming and releasing slots is
// serialised by a mutex (which also serialises detach, orphaning and walks);
// traversal is lock-free (slots are published with release stores and never
// unlinked before Shutdown()).
#ifndef CYCLEGC_ALLOC_HOOKS_SRC_HEAP_REGISTRY_H_
#define CYCLEGC_ALLOC_HOOKS_SRC_HEAP_REGISTRY_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "thread_heaps.h"

namespace cyclegc::alloc::internal {

absl::Mutex& HeapRegistryMutex();
// In a fork child: a fresh, unlocked mutex (whoever held it may be gone).
void ReinitHeapRegistryMutexAfterFork();

// Returns a free slot (reused, or new and published with zeroed heap storage)
// marked in_use; nullptr on out-of-memory.
ThreadHeaps* AcquireSlot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(HeapRegistryMutex());
void ReleaseSlot(ThreadHeaps* slot)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(HeapRegistryMutex());

// First slot of the lock-free list (follow `next`).
ThreadHeaps* FirstSlot();

// Frees every slot and its storage; none may be in use.
void FreeAllSlots() ABSL_EXCLUSIVE_LOCKS_REQUIRED(HeapRegistryMutex());

}  // namespace cyclegc::alloc::internal

#endif  // CYCLEGC_ALLOC_HOOKS_SRC_HEAP_REGISTRY_H_
