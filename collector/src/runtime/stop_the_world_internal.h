// Runtime-internal parts of stop-the-world (not for the collector).
#ifndef CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_
#define CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "cyclegc/cyclegc.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {

// While stopped: `o` (count zero after a merge) is given one count that
// StartTheWorld() releases once the world runs, so destroy never runs stopped.
void KeepForReleaseAfterStart(cgc_object* o);

// StartTheWorld()'s share of those (release_after_start.cc): constructed
// before the restart, registry lock held, it takes the kept objects and
// publishes them on the calling thread for a fork() child; Release(), world
// running and the lock released, drops their counts and frees the list.
class KeptObjects {
 public:
  KeptObjects();
  KeptObjects(const KeptObjects&) = delete;
  KeptObjects& operator=(const KeptObjects&) = delete;
  void Release();

 private:
  std::vector<cgc_object*>* list_;
  ThreadState* self_;
  DrainFrame frame_;
};
// For the crew (stop_crew.h), stopper only: waking parked threads that went
// to sleep so they see the crew open.
void WakeParkedThreads();
// Parks the calling thread until the world restarts (serving the crew while
// it is open to it). `was_running`: it comes from a safepoint, not out of a
// blocking section.
void ParkWhileStopped(ThreadState* ts, bool was_running);
// The stop half of a safepoint for `ts`, the calling thread's state: parks if
// a stop is requested and the caller is not the stopper (or its crew). No
// merge-queue drain, so a drain may call it between objects.
void ParkIfStopRequestedHere(ThreadState* ts);
// fork(): the lock the prepare handler holds, and the child's reset.
absl::Mutex& StopTheWorldMutex();
void ReinitStopTheWorldAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STOP_THE_WORLD_INTERNAL_H_
