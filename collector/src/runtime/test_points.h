// Named points inside racy sequences of the runtime where a test can run code
// (another thread's step) at exactly that moment, making an interleaving that
// is otherwise a one-in-a-million race deterministic. Production builds pay
// one relaxed load per visit, and the points sit on slow paths only.
#ifndef CYCLEGC_COLLECTOR_TEST_POINTS_H_
#define CYCLEGC_COLLECTOR_TEST_POINTS_H_

#include <atomic>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

enum class TestPoint {
  // cgc_decref_shared_: the count is "queued", the owner not yet told.
  kDecrefQueuedBeforeHandOver,
  // cgc_set_per_thread_refcount: between its two publishing stores.
  kPerThreadSwitchMidPublish,
  // A refcount death's finalizer returned; its temporary count not dropped.
  kFinalizerBeforeDrop,
  // The collector offered trash to helpers (release_job.h) and has claimed
  // none of it yet; `o` is the first member offered.
  kReleaseJobOffered,
};

using TestPointHook = void (*)(TestPoint point, cgc_object* o);

// nullptr removes the hook. The hook runs on the thread that reaches the
// point, with whatever that thread holds (no collector locks at any point).
void SetTestPointHookForTesting(TestPointHook hook);

extern std::atomic<TestPointHook> g_test_point_hook;

inline void ReachTestPoint(TestPoint point, cgc_object* o) {
  if (TestPointHook hook = g_test_point_hook.load(std::memory_order_relaxed))
    hook(point, o);
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_TEST_POINTS_H_
