// Stop-the-world: the stopper holds the registry lock for the whole stop (so no
// thread attaches or detaches), raises the stop bit every safepoint polls, and
// waits until no other registered thread is kRunning. Running threads park in
// SafepointSlow(); threads leaving a blocking section while stopped wait.
//
// Dekker handshake: a thread stores its status then loads the stop bit; the
// stopper stores the stop bit then loads statuses (both seq_cst), so either the
// stopper sees the thread running (and waits for it) or the thread sees the
// stop (and parks).
#include "stop_the_world.h"

#include <algorithm>
#include <new>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clock.h"
#include "cpu_relax.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stall_report.h"
#include "stop_crew.h"
#include "stop_the_world_internal.h"
#include "thread_state.h"

namespace cyclegc::internal {

std::atomic<uint32_t> g_safepoint_word{0};

namespace {

absl::Mutex g_stw_mu(absl::kConstInit);
// The stopper waits on this for threads to park; parked threads on g_restart.
absl::CondVar g_parked_cv;
absl::CondVar g_restart_cv;
bool g_stop_requested ABSL_GUARDED_BY(g_stw_mu) = false;
std::atomic<uintptr_t> g_stopper_tid{0};
std::atomic<uint64_t> g_last_tts_ns{0};

bool AllOthersStopped(uintptr_t self) {
  bool all = true;
  ForEachThread([&](ThreadState& ts) {
    if (ts.tid != self &&
        ts.status.load(std::memory_order_seq_cst) == ThreadStatus::kRunning) {
      all = false;
    }
  });
  return all;
}

// A stop of a small heap lasts tens of microseconds, about what a futex
// wake-up costs on each side (the stopper waiting for threads to park, parked
// threads waiting for the restart), so both spin that long before blocking.
// Only while every running thread can have a core: otherwise spinning threads
// would take the CPU from the one they wait for. Cyclotron, 2 threads on 2
// cores, medians of 3 interleaved runs: chain c=10 e=100k 2.25 -> 2.10 s,
// c=100 e=10k 1.91 -> 1.85 s; spinning 50 or 100 us gained less or lost.
constexpr uint64_t kSpinNs = 20'000;
std::atomic<bool> g_spin_allowed{false};

template <typename Pred>
void SpinUntil(Pred done) {
  if (g_spin_allowed.load(std::memory_order_relaxed)) SpinFor(kSpinNs, done);
}

void NotifyStopper() {
  absl::MutexLock lock(&g_stw_mu);
  g_parked_cv.SignalAll();
}

}  // namespace

bool WorldStopped() {
  return g_stopper_tid.load(std::memory_order_acquire) != 0;
}

bool CallerIsStopper() {
  // No stop, no crew job: one load on the common path.
  const uintptr_t stopper = g_stopper_tid.load(std::memory_order_relaxed);
  return stopper != 0 && (stopper == CurrentThreadId() || OnCrewJob());
}

uint64_t LastTimeToSafepointNs() {
  return g_last_tts_ns.load(std::memory_order_relaxed);
}

uint64_t StopTheWorld() {
  ThreadState* self = CurrentThread();
  const uintptr_t self_tid = CurrentThreadId();
  // Count as stopped while waiting for the registry lock: another stop or an
  // attach/detach may hold it.
  if (self != nullptr) EnterBlocking(self);
  RegistryMutex().Lock();
  if (self != nullptr) self->status.store(ThreadStatus::kRunning);

  const absl::Time start = absl::Now();
  static const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t running = 0;  // the threads that would spin, and the stopper
  ForEachThread([&](ThreadState& ts) {
    if (ts.status.load(std::memory_order_relaxed) == ThreadStatus::kRunning)
      ++running;
  });
  g_spin_allowed.store(running <= cores, std::memory_order_relaxed);
  {
    absl::MutexLock lock(&g_stw_mu);
    g_stop_requested = true;
    g_stopper_tid.store(self_tid, std::memory_order_release);
    g_safepoint_word.fetch_or(kStopRequested, std::memory_order_seq_cst);
  }
  SpinUntil([&] { return AllOthersStopped(self_tid); });
  const uint64_t stall_ns = StallReportAfterNs();
  bool stall_reported = stall_ns == 0;
  absl::MutexLock lock(&g_stw_mu);
  while (!AllOthersStopped(self_tid)) {
    // Parking threads signal; the timeout covers threads entering blocking
    // sections, which do not take the lock when they do.
    g_parked_cv.WaitWithTimeout(&g_stw_mu, absl::Microseconds(200));
    const auto waited =
        static_cast<uint64_t>(absl::ToInt64Nanoseconds(absl::Now() - start));
    if (!stall_reported && waited >= stall_ns) {
      stall_reported = true;  // once per stop
      ReportStall(self_tid, waited);
    }
  }
  const uint64_t tts =
      static_cast<uint64_t>(absl::ToInt64Nanoseconds(absl::Now() - start));
  g_last_tts_ns.store(tts, std::memory_order_relaxed);
  return tts;
}

uint64_t StartTheWorld() {
  KeptObjects kept;  // taken while the registry lock is held
  {
    absl::MutexLock lock(&g_stw_mu);
    g_stop_requested = false;
    g_safepoint_word.fetch_and(~kStopRequested, std::memory_order_seq_cst);
    g_stopper_tid.store(0, std::memory_order_release);
    g_restart_cv.SignalAll();
  }
  RegistryMutex().Unlock();
  const uint64_t restart_ns = NowNs();
  kept.Release();
  return restart_ns;
}

bool ParkedThreadsMaySpin() {
  return g_spin_allowed.load(std::memory_order_relaxed);
}

void WakeParkedThreads() {
  absl::MutexLock lock(&g_stw_mu);
  g_restart_cv.SignalAll();
}

void ParkWhileStopped(ThreadState* ts, bool was_running) {
  // Parked before spinning: the stopper may go ahead at once, and this thread
  // touches no object until it has seen the restart under the lock below
  // (other than as a crew member, on the stopper's behalf).
  {
    absl::MutexLock lock(&g_stw_mu);
    if (!g_stop_requested) {
      ts->status.store(ThreadStatus::kRunning, std::memory_order_seq_cst);
      return;
    }
    ts->status.store(ThreadStatus::kParked, std::memory_order_seq_cst);
    g_parked_cv.SignalAll();
  }
  for (;;) {
    auto restarted_or_crew = [ts] {
      return CrewOpenFor(ts) ||
             (g_safepoint_word.load(std::memory_order_acquire) &
              kStopRequested) == 0;
    };
    SpinUntil(restarted_or_crew);
    // A crew is coming: spin on until it opens (or is not opened after all).
    // Only a thread that was running when the stop began: the stopper counted
    // a core for it (g_spin_allowed); one out of a blocking section sleeps.
    while (was_running && g_spin_allowed.load(std::memory_order_relaxed) &&
           CrewExpected() && !restarted_or_crew()) {
      CpuRelax();
    }
    if (CrewOpenFor(ts)) ServeCrew(ts);
    absl::MutexLock lock(&g_stw_mu);
    while (g_stop_requested && !CrewOpenFor(ts)) {
      ts->status.store(ThreadStatus::kParked, std::memory_order_seq_cst);
      g_parked_cv.SignalAll();
      g_restart_cv.Wait(&g_stw_mu);
    }
    if (!g_stop_requested) {
      // Running again under the lock: a next stop sets its request under it
      // too, so it either sees this thread running or this thread sees it.
      ts->status.store(ThreadStatus::kRunning, std::memory_order_seq_cst);
      break;
    }
  }
  NoteRunningFromNow(ts);
}

void ParkIfStopRequestedHere(ThreadState* ts) {
  if ((g_safepoint_word.load(std::memory_order_acquire) & kStopRequested) !=
          0 &&
      !CallerIsStopper()) {
    ParkWhileStopped(ts, /*was_running=*/true);
  }
}

void SafepointSlow() {
  ThreadState* ts = CurrentThread();
  if (ts == nullptr) return;
  ParkIfStopRequestedHere(ts);
  if (ts->merge_pending.load(std::memory_order_acquire)) DrainMergeQueue(ts);
}

void EnterBlocking(ThreadState* ts) {
  ts->status.store(ThreadStatus::kBlocking, std::memory_order_seq_cst);
  if ((g_safepoint_word.load(std::memory_order_seq_cst) & kStopRequested) !=
      0) {
    NotifyStopper();
  }
}

void LeaveBlocking(ThreadState* ts) {
  NoteRunningFromNow(ts);
  ts->status.store(ThreadStatus::kRunning, std::memory_order_seq_cst);
  if ((g_safepoint_word.load(std::memory_order_seq_cst) & kStopRequested) ==
          0 ||
      CallerIsStopper()) {
    return;
  }
  // A stop is (being) requested: count as stopped again and wait it out.
  ts->status.store(ThreadStatus::kBlocking, std::memory_order_seq_cst);
  NotifyStopper();
  ParkWhileStopped(ts, /*was_running=*/false);
}

void ReinitStopTheWorldAfterFork() {
  // Other threads of the parent may have been waiting on these; the child has
  // none of them, so start from fresh objects.
  new (&g_stw_mu) absl::Mutex();
  new (&g_parked_cv) absl::CondVar();
  new (&g_restart_cv) absl::CondVar();
  g_stop_requested = false;
  g_stopper_tid.store(0);
  g_safepoint_word.fetch_and(~kStopRequested);
}

absl::Mutex& StopTheWorldMutex() { return g_stw_mu; }

}  // namespace cyclegc::internal

extern "C" {

CGC_API void cgc_safepoint(void) {
  using cyclegc::internal::g_safepoint_word;
  if (__builtin_expect(g_safepoint_word.load(std::memory_order_relaxed) == 0,
                       1))
    return;
  cyclegc::internal::SafepointSlow();
}

CGC_API void cgc_blocking_begin(void) {
  cyclegc::internal::ThreadState* ts = cyclegc::internal::CurrentThread();
  if (ts != nullptr) cyclegc::internal::EnterBlocking(ts);
}

CGC_API void cgc_blocking_end(void) {
  cyclegc::internal::ThreadState* ts = cyclegc::internal::CurrentThread();
  if (ts != nullptr) cyclegc::internal::LeaveBlocking(ts);
}

}  // extern "C"
