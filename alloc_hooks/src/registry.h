// Internal: the set of ThreadHeaps slots. Attach/detach are serialised by a
// mutex; traversal is lock-free (slots are published with release stores and
// never unlinked before Shutdown()).
#ifndef CYCLEGC_ALLOC_HOOKS_SRC_REGISTRY_H_
#define CYCLEGC_ALLOC_HOOKS_SRC_REGISTRY_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "thread_heaps.h"

namespace cyclegc::alloc::internal {

// Serialises attach, detach, orphaning, walks and shutdown.
absl::Mutex& RegistryMutex();

// Returns a free slot (reused or new, published) marked in_use.
ThreadHeaps* AcquireSlot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(RegistryMutex());
// Marks the slot free for reuse.
void ReleaseSlot(ThreadHeaps* slot)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(RegistryMutex());

// First slot of the lock-free list (follow `next`).
ThreadHeaps* FirstSlot();

// Frees every slot; all must be released.
void FreeAllSlots() ABSL_EXCLUSIVE_LOCKS_REQUIRED(RegistryMutex());

}  // namespace cyclegc::alloc::internal

#endif  // CYCLEGC_ALLOC_HOOKS_SRC_REGISTRY_H_
