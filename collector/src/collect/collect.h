// Collect() (declared in seams.h) runs the phases of phases.h in order. One
// collection at a time: a thread that asks while another collection runs waits
// for it (inside a blocking section, so the running collection can stop the
// world) and returns 0; a collection asked for from inside a collection on the
// same thread (a finalizer, weakref callback, event callback, clear or destroy
// it runs) returns 0 at once. Collect() from a thread that is not attached
// returns 0.
#ifndef CYCLEGC_COLLECTOR_COLLECT_H_
#define CYCLEGC_COLLECTOR_COLLECT_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "clock.h"
#include "seams.h"

namespace cyclegc::internal {

// True while the calling thread runs a collection (including the user code it
// calls).
bool InCollectionOnThisThread();

// Runs `fn` as the one collection in progress (the lock and re-entry rules
// above). Returns false, without running it, when another collection ran or
// runs instead, or when called from inside a collection.
bool RunExclusively(absl::FunctionRef<void()> fn);
// Runs fn on this thread as part of the running collection (a helper's share
// of its work, release_job.h): InCollectionOnThisThread() is true meanwhile,
// so user code it runs cannot start or wait for another collection.
void RunAsPartOfCollection(absl::FunctionRef<void()> fn);

// Collect() with its outcome: 0, CGC_ESTATE (not attached, or inside a
// collection) or CGC_ENOMEM; *freed gets the objects freed either way.
int CollectEx(cgc_reason reason, const TriggerFigures& figures, size_t* freed);

// One collection, the steps at the top of collect.cc; the caller made it the
// one in progress (RunExclusively). Returns the number of objects freed;
// *status gets 0 or the CGC_E* error that cut the collection short.
size_t RunCollection(cgc_reason reason, const TriggerFigures& figures,
                     int* status);

// fork() child, no collection running on this thread: drops the parent's
// collection in progress, if any (its arrays are freed; its trash stays).
void ForgetRunningCollectionAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_COLLECT_H_
