// The ways into a collection: Collect() (the trigger, cgc_shutdown),
// cgc_collect()/cgc_collect_ex(), and RunExclusively() for other work that
// must not overlap one. One at a time, never re-entered from the user code a
// collection runs; RunCollection() (collect.cc) is the collection itself.
#include <new>
#include <utility>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
#include "collect.h"
#include "last_error.h"
#include "release_job.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_collect_mu(absl::kConstInit);
thread_local bool t_in_collection = false;

}  // namespace

bool InCollectionOnThisThread() { return t_in_collection; }

void CollectionAfterForkChild() {
  if (!t_in_collection) {
    new (&g_collect_mu) absl::Mutex();
    ForgetRunningCollectionAfterFork();
    ForgetReleaseJobAfterFork();
  }
}

bool RunExclusively(absl::FunctionRef<void()> fn) {
  if (t_in_collection) return false;
  if (!g_collect_mu.TryLock()) {
    // Wait as a stopped thread: the running collection may stop the world.
    cgc_blocking_begin();
    g_collect_mu.Lock();
    g_collect_mu.Unlock();
    cgc_blocking_end();
    return false;
  }
  t_in_collection = true;
  fn();
  t_in_collection = false;
  g_collect_mu.Unlock();
  return true;
}

void RunAsPartOfCollection(absl::FunctionRef<void()> fn) {
  const bool outer = std::exchange(t_in_collection, true);
  fn();
  t_in_collection = outer;
}

int CollectEx(cgc_reason reason, const TriggerFigures& figures, size_t* freed) {
  *freed = 0;
  if (CurrentThread() == nullptr) {
    return SetLastError(CGC_ESTATE,
                        "collection: the calling thread is not attached");
  }
  if (t_in_collection) {
    return SetLastError(CGC_ESTATE,
                        "collection: asked for from inside a collection (a "
                        "finalizer, callback, clear or destroy it runs)");
  }
  // Deaths a detaching thread still owes (its final queue drain) belong to
  // this collection's picture of the heap.
  WaitForDetachingThreads();
  int status = CGC_OK;
  RunExclusively([&] { *freed = RunCollection(reason, figures, &status); });
  return status;
}

size_t Collect(cgc_reason reason, const TriggerFigures& figures) {
  if (t_in_collection) return 0;  // a trigger check inside user code: no error
  size_t freed = 0;
  (void)CollectEx(reason, figures, &freed);
  return freed;
}

}  // namespace cyclegc::internal

extern "C" int cgc_collect_ex(size_t* freed) {
  using namespace cyclegc::internal;
  cgc_stats now{};
  TriggerFillStats(&now);
  TriggerFigures figures;
  figures.young = now.young;
  size_t n = 0;
  int rc = CollectEx(CGC_REASON_EXPLICIT, figures, &n);
  if (freed != nullptr) *freed = n;
  return rc;
}

extern "C" size_t cgc_collect(void) {
  size_t freed = 0;
  (void)cgc_collect_ex(&freed);
  return freed;
}
