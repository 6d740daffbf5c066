// Attaching and detaching threads, the thread-exit hook, the young delta.
#include "thread_state.h"

#include <atomic>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dealloc.h"
#include "last_error.h"
#include "lifecycle.h"
#include "object.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stop_the_world.h"

namespace cyclegc::internal {
namespace {

// Initial-exec: a thread-pointer-relative load even inside libcyclegc.so.
__attribute__((tls_model("initial-exec"))) thread_local ThreadState* t_state =
    nullptr;

// Young deltas of threads that are not attached (e.g. a decref to zero after
// detach); folded into the next batch any attached thread reports.
std::atomic<int64_t> g_orphan_young{0};

// Detaches a thread that exits while attached.
struct ExitHook {
  bool armed = false;
  ~ExitHook() {
    if (armed && t_state != nullptr) DetachCurrentThread();
  }
};
thread_local ExitHook t_exit_hook;

void ReportYoung(int64_t delta) {
  delta += g_orphan_young.exchange(0, std::memory_order_relaxed);
  if (delta != 0) OnYoungBatch(delta);
}

// Pushers may still target this queue until it is closed; drain until empty.
void DrainUntilEmpty(ThreadState* ts) {
  while (ts->merge_pending.load(std::memory_order_acquire)) {
    DrainMergeQueue(ts);
    cgc_safepoint();
  }
}

}  // namespace

ThreadState* CurrentThread() { return t_state; }

void AddYoung(ThreadState* ts, int64_t n) {
  if (ts == nullptr) {
    g_orphan_young.fetch_add(n, std::memory_order_relaxed);
    return;
  }
  ts->young_delta += n;
  if (ts->young_delta >= kYoungBatch || ts->young_delta <= -kYoungBatch) {
    const int64_t delta = std::exchange(ts->young_delta, 0);
    ReportYoung(delta);
  }
}

void FlushYoung(ThreadState* ts) {
  ReportYoung(std::exchange(ts->young_delta, 0));
}

int AttachCurrentThread() {
  if (t_state != nullptr) {
    return SetLastError(CGC_ESTATE,
                        "cgc_thread_attach: thread is already attached");
  }
  if (!RuntimeInitialized()) {
    return SetLastError(CGC_ESTATE,
                        "cgc_thread_attach: cgc_init has not been called");
  }
  auto* ts = new ThreadState();
  ts->tid = CurrentThreadId();
  {
    // Exclusive: no stop is in progress and no heap walk sees a half-made heap.
    absl::MutexLock lock(&RegistryMutex());
    absl::StatusOr<alloc::ThreadHeaps*> heaps = alloc::AttachThread();
    if (!heaps.ok()) {
      delete ts;
      return SetLastError(heaps.status());
    }
    ts->heaps = *heaps;
    RegistryAdd(ts);
  }
  t_state = ts;
  t_exit_hook.armed = true;
  return CGC_OK;
}

int DetachCurrentThread() {
  ThreadState* ts = t_state;
  if (ts == nullptr) {
    return SetLastError(CGC_ESTATE,
                        "cgc_thread_detach: thread is not attached");
  }
  cgc_safepoint();
  DrainUntilEmpty(ts);
  FlushYoung(ts);  // may collect: more deaths, more queued objects
  DrainUntilEmpty(ts);
  // From here on pushers merge at once; merge what is left ourselves.
  std::vector<cgc_object*> rest;
  {
    absl::MutexLock lock(&ts->queue_mu);
    ts->queue_closed = true;
    rest.swap(ts->merge_queue);
    if (ts->merge_pending.exchange(false))
      g_safepoint_word.fetch_sub(kPendingMergeUnit);
  }
  for (cgc_object* o : rest) {
    ClearRefFlags(o, kRefInMergeQueue);
    if (ExplicitMerge(o, -1) == 0) Dealloc(o);
  }
  FoldPerThreadCounts(ts);
  const int64_t late_young = std::exchange(ts->young_delta, 0);
  g_orphan_young.fetch_add(late_young, std::memory_order_relaxed);

  // Counts as stopped while waiting for the registry (held during a stop).
  EnterBlocking(ts);
  {
    absl::MutexLock lock(&RegistryMutex());
    alloc::DetachThread(ts->heaps);
    RegistryRemove(ts);
  }
  t_state = nullptr;
  delete ts;
  return CGC_OK;
}

}  // namespace cyclegc::internal
