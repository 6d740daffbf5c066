// The registry of attached threads. Attach/detach take it exclusively; merge
// queue pushes take it shared; StopTheWorld holds it exclusively for the whole
// stop, so while stopped the stopper may iterate it without locking.
#ifndef CYCLEGC_COLLECTOR_REGISTRY_H_
#define CYCLEGC_COLLECTOR_REGISTRY_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "thread_state.h"

namespace cyclegc::internal {

absl::Mutex& RegistryMutex();

// Shared registry lock taken by a running mutator: if a stop holds the lock,
// waits as a stopped thread (else the stopper would wait for it forever).
class ABSL_SCOPED_LOCKABLE MutatorRegistryReaderLock {
 public:
  MutatorRegistryReaderLock() ABSL_SHARED_LOCK_FUNCTION(RegistryMutex());
  ~MutatorRegistryReaderLock() ABSL_UNLOCK_FUNCTION();
  MutatorRegistryReaderLock(const MutatorRegistryReaderLock&) = delete;
  MutatorRegistryReaderLock& operator=(const MutatorRegistryReaderLock&) =
      delete;
};

// Requires RegistryMutex() held (either mode) or the world stopped by the
// caller.
void ForEachThread(absl::FunctionRef<void(ThreadState&)> fn);
// Registered thread with this thread id, or nullptr. Same requirement.
ThreadState* FindThread(uintptr_t tid);
size_t ThreadCount();

// Require RegistryMutex() held exclusively. Removing folds the thread's
// collected-death count into the retired total.
void RegistryAdd(ThreadState* ts);
void RegistryRemove(ThreadState* ts);
void FoldCollectedDeaths(ThreadState& ts);

// Counts the death of a collected object on the calling thread (ts may be
// null). Per thread, not one shared atomic: with threads freeing their own
// trash in parallel, a shared counter's line bounced between cores at every
// death (5% of a 2-thread chain run).
void CountCollectedDeath(ThreadState* ts);
// Every thread's count plus those of threads gone (RegistryRemove folds
// them). Takes the registry lock shared: not while the caller stops the world.
uint64_t CollectedDeaths();
// Zeroes the counts (cgc_init).
void ResetCollectedDeaths();

// fork() child: a fresh registry lock (parent threads may have waited on it).
void ReinitRegistryAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_REGISTRY_H_
