// The death of an object whose count reached zero: weakref/census notice,
// young-count bookkeeping, type->destroy, free. Bounded recursion (trashcan).
#ifndef CYCLEGC_COLLECTOR_DEALLOC_H_
#define CYCLEGC_COLLECTOR_DEALLOC_H_

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Destroys and frees `o` (count zero, nobody else holds it) on the calling
// thread. Destroys that drop further objects nest at most kMaxDeallocDepth
// deep; deeper deaths are deferred to a per-thread list drained by the
// outermost call, so a million-long chain frees in constant stack.
void Dealloc(cgc_object* o);
inline constexpr int kMaxDeallocDepth = 50;

struct ThreadState;
// fork() child: the deaths a vanished thread deferred to its list (dying,
// never started) go to `to`'s list, or are run now if `to` is null.
void AdoptDeferredDeaths(ThreadState* vanished, ThreadState* to);
// Runs the deaths deferred to the calling thread's list (cgc_shutdown: the
// adopted ones may have found no outermost Dealloc to drain them).
void RunDeferredDeaths();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_DEALLOC_H_
