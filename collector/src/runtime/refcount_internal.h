// Internal to the refcounting files (refcount.cc, merge_queue.cc): field
// access, the release of a dead object and the hand-over of a queued one.
#ifndef CYCLEGC_COLLECTOR_RUNTIME_REFCOUNT_INTERNAL_H_
#define CYCLEGC_COLLECTOR_RUNTIME_REFCOUNT_INTERNAL_H_

#include <atomic>
#include <cstdint>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

inline std::atomic_ref<intptr_t> Shared(cgc_object* o) {
  return std::atomic_ref<intptr_t>(o->ob_ref_shared_);
}
inline std::atomic_ref<uint32_t> Local(cgc_object* o) {
  return std::atomic_ref<uint32_t>(o->ob_ref_local_);
}
inline std::atomic_ref<uintptr_t> Tid(cgc_object* o) {
  return std::atomic_ref<uintptr_t>(o->ob_tid_);
}

[[noreturn]] void DieUnderflow(const cgc_object* o);

// Destroys `o` now, or (on the thread that has the world stopped) once the
// world runs again.
void Release(cgc_object* o);

// A non-owner found the shared count at zero: hand the object (and the count
// the queue now holds) to its owner, or merge at once if the owner is gone.
void QueueForMerge(cgc_object* o);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_RUNTIME_REFCOUNT_INTERNAL_H_
