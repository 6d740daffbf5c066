// Weak references (cgc_weakref_*). A weakref is not a GC object: it lives until
// cgc_weakref_free (or shutdown). Weakrefs are kept per target in striped
// tables so that clearing them at the target's death costs O(its weakrefs).
//
// Callback rule: a weakref's callback runs at most once, after its target died
// (collected, or freed by refcounting), outside the stopped world, and only if
// cgc_weakref_free had not been called on it when the callback is about to
// start. The weakref's memory stays valid while its callback runs, so the
// callback may free it.
#ifndef CYCLEGC_COLLECTOR_WEAKREF_H_
#define CYCLEGC_COLLECTOR_WEAKREF_H_

#include <cstddef>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Weakrefs whose callbacks are due, linked through the weakrefs themselves so
// that queueing never allocates (it happens while the world is stopped).
struct WeakrefCallbackQueue {
  cgc_weakref* head = nullptr;
  cgc_weakref* tail = nullptr;
};

// Clears every weakref to `o` (they return NULL from now on) and queues the
// callbacks of those that have one. Clears kGcHasWeakrefs. Any thread; also
// while the world is stopped.
void ClearWeakrefsTo(cgc_object* o, WeakrefCallbackQueue* queue);

// Runs the queued callbacks of weakrefs still alive; empties the queue. Returns
// the number of callbacks run. World running.
size_t RunWeakrefCallbacks(WeakrefCallbackQueue* queue);

// Frees every weakref, freed or not by the embedder (shutdown).
void FreeAllWeakrefs();

// Weakrefs not yet freed by cgc_weakref_free (tests).
size_t LiveWeakrefCount();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_WEAKREF_H_
