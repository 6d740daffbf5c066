// Attaching and detaching threads, the thread-exit hook, the young delta.
#include "thread_state.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "dealloc.h"
#include "last_error.h"
#include "lifecycle.h"
#include "object.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stall_report.h"
#include "stop_the_world.h"

namespace cyclegc::internal {
namespace {

// Initial-exec: a thread-pointer-relative load even inside libcyclegc.so.
__attribute__((tls_model("initial-exec"))) thread_local ThreadState* t_state =
    nullptr;

// Between a successful cgc_init and cgc_shutdown (init.cc sets it).
std::atomic<bool> g_initialized{false};

// Young deltas of threads that are not attached (e.g. a decref to zero after
// detach); folded into the next batch any attached thread reports.
std::atomic<int64_t> g_orphan_young{0};

// A thread that exits attached detaches in the next-to-last round of
// pthread-key destructors: those (and thread_local destructors older than the
// hook) run after this hook and may still count references, which only an
// attached thread may do (a detached owner's local counts race with merges, and
// its deaths are not held off by a stop).
pthread_key_t g_exit_key;
bool g_exit_key_ok = false;
thread_local int t_exit_rounds = 0;

void ExitKeyDestructor(void* ts) {
  if (t_state == nullptr) return;
  // One round short of glibc's last: the sanitizers finish a thread in the
  // last round, after which it may not run instrumented code.
  if (++t_exit_rounds < PTHREAD_DESTRUCTOR_ITERATIONS - 1 &&
      pthread_setspecific(g_exit_key, ts) == 0) {
    return;  // another round follows
  }
  DetachCurrentThread();
}

struct ExitHook {
  bool armed = false;
  ~ExitHook() {
    if (!armed || t_state == nullptr) return;
    // The main thread's exit runs no key destructors.
    if (g_exit_key_ok && gettid() != getpid() &&
        pthread_setspecific(g_exit_key, t_state) == 0) {
      t_exit_rounds = 0;
      alloc::DeferThreadDoneToDetach();
      return;
    }
    DetachCurrentThread();
  }
};
thread_local ExitHook t_exit_hook;

void ReportYoung(int64_t delta) {
  delta += g_orphan_young.exchange(0, std::memory_order_relaxed);
  if (delta != 0) OnYoungBatch(delta);
}

// Drains the merge queue (running the deaths it finds) until it is empty, then
// closes it in the same critical section, as CPython's _Py_brc_remove_thread
// does: from then on pushers merge at once. Nothing is processed after the
// close, so no non-owner merge can race with this thread's own (local) count
// updates of its objects.
void DrainAndCloseQueue(ThreadState* ts) {
  for (;;) {
    if (ts->merge_pending.load(std::memory_order_acquire)) DrainMergeQueue(ts);
    {
      absl::MutexLock lock(&ts->queue_mu);
      if (ts->merge_queue.empty()) {
        ts->queue_closed = true;
        if (ts->merge_pending.exchange(false, std::memory_order_acq_rel)) {
          g_safepoint_word.fetch_sub(kPendingMergeUnit,
                                     std::memory_order_release);
        }
        return;
      }
    }
    cgc_safepoint();
  }
}

// Detaches in progress; collections wait for them (WaitForDetachingThreads).
std::atomic<int> g_detaching{0};
thread_local bool t_detaching = false;

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
  ts->os_tid = gettid();
  ts->pthread = pthread_self();
  NoteRunningFromNow(ts);
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
  static std::once_flag key_once;
  std::call_once(key_once, [] {
    g_exit_key_ok = pthread_key_create(&g_exit_key, &ExitKeyDestructor) == 0;
  });
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
  // Detaching runs merges, deaths and maybe a collection: inside a blocking
  // bracket (a thread function returning, or cancelled, inside one) it would
  // do so while counting as stopped. Leave the bracket first.
  if (ts->status.load(std::memory_order_relaxed) == ThreadStatus::kBlocking) {
    LeaveBlocking(ts);
  }
  g_detaching.fetch_add(1, std::memory_order_acq_rel);
  t_detaching = true;
  cgc_safepoint();
  FlushYoung(ts);  // may collect: more deaths, more queued objects
  DrainAndCloseQueue(ts);
  FoldPerThreadCounts(ts);
  const int64_t late_young = std::exchange(ts->young_delta, 0);
  g_orphan_young.fetch_add(late_young, std::memory_order_relaxed);

  // Every death this thread owes has run: collections may proceed.
  t_detaching = false;
  g_detaching.fetch_sub(1, std::memory_order_acq_rel);
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

void DetachingAfterForkChild() { g_detaching.store(t_detaching ? 1 : 0); }

void WaitForDetachingThreads() {
  if (g_detaching.load(std::memory_order_acquire) == 0 || t_detaching) return;
  // A detaching caller waits for nobody (two detaching threads could wait on
  // each other); the others wait as stopped threads, so a collection the
  // detaching thread starts can still stop the world.
  ThreadState* ts = CurrentThread();
  if (ts != nullptr) EnterBlocking(ts);
  while (g_detaching.load(std::memory_order_acquire) != 0) {
    std::this_thread::yield();
  }
  if (ts != nullptr) LeaveBlocking(ts);
}

bool RuntimeInitialized() {
  return g_initialized.load(std::memory_order_acquire);
}

void SetRuntimeInitialized(bool initialized) {
  g_initialized.store(initialized, std::memory_order_release);
}

}  // namespace cyclegc::internal

extern "C" {

CGC_API int cgc_thread_attach(void) {
  return cyclegc::internal::AttachCurrentThread();
}

CGC_API void cgc_thread_detach(void) {
  cyclegc::internal::DetachCurrentThread();
}

}  // extern "C"
