// Runtime-internal parts of stop-the-world (not for the collector).
#ifndef CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_
#define CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_

#include "absl/synchronization/mutex.h"
#include "cyclegc/cyclegc.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {

// While stopped: `o` (count zero after a merge) is given one count that
// StartTheWorld() releases once the world runs, so destroy never runs stopped.
void KeepForReleaseAfterStart(cgc_object* o);
// Parks the calling thread until the world restarts.
void ParkWhileStopped(ThreadState* ts);
// fork(): the lock the prepare handler holds, and the child's reset.
absl::Mutex& StopTheWorldMutex();
void ReinitStopTheWorldAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_
