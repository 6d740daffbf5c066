// The trigger: folds young batches, asks the policy when the gate is passed,
// and runs the collection it decides on, on the allocating thread.
//
// Allocation path (OnYoungBatch, once per ~256 net allocations per thread):
// one fetch_add on the shared young count and one relaxed load of the gate.
// Everything else (policy, syscalls, counters) is out of line and reached
// only when young passes the gate.
//
// Holding: young restarts at the collection's heap walk, so objects other
// threads allocate while it finishes (clear, finalizers, deferred deaths, with
// the world running) count toward the next one. A thread whose batch finds a
// collection running and young already past kHoldFactor x gate waits for it
// to end, as a stopped thread, then decides again. Without this, a collection
// of N objects lasts long enough for the other threads to allocate more than
// N, and each collection is bigger than the last (2 threads: 50M trash).
// The hold is a throttle, not a lock: it lasts at most kMaxHold, because the
// held thread may own an embedder lock that a finalizer, clear or destroy of
// the running collection waits for.
#include "trigger.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>

#include "absl/base/attributes.h"
#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "alloc_hooks/alloc_hooks.h"
#include "collect.h"
#include "config.h"
#include "policy.h"
#include "seams.h"
#include "stop_the_world_internal.h"
#include "young_count.h"

namespace cyclegc::internal {
namespace {

constexpr size_t kClosed = SIZE_MAX;  // gate value: no automatic collection
// Young allowed past the gate, as a multiple of it, while a collection runs.
constexpr size_t kHoldFactor = 2;
// Longest one running collection holds a thread back. Past it the thread
// allocates on, and that collection does not hold it again.
constexpr absl::Duration kMaxHold = absl::Milliseconds(50);

struct TriggerState {
  // Hot: written by every thread's batches / read on every batch.
  YoungCount young;
  alignas(64) std::atomic<size_t> gate{kClosed};

  // Cold.
  // 1 while a triggered collection runs; held threads wait on it with a
  // futex (a timed wait, which std::atomic::wait lacks; an absl::Condition
  // evaluated by another thread is invisible to TSan with Debian's
  // uninstrumented abseil).
  alignas(64) std::atomic<uint32_t> collecting{0};
  std::atomic<uint64_t> epoch{0};  // collections completed (any reason)
  std::atomic<size_t> deferred_young{0};
  std::atomic<size_t> long_lived{0};
  std::atomic<size_t> estimate_at_last{0};
  std::atomic<size_t> young_before_estimate{0};
  std::atomic<size_t> full_page_bytes_after{0};
  std::atomic<uint64_t> deferrals{0};
  std::atomic<uint64_t> triggered{0};
  std::atomic<uint64_t> holds{0};  // batches that waited for a collection
  std::atomic<uint64_t> hold_timeouts{0};  // holds that ended at kMaxHold
  std::atomic<bool> enabled{true};
  std::atomic<Policy*> policy{nullptr};

  // Set at init; stable until the next init.
  absl::Mutex mu{absl::kConstInit};
  bool initialized ABSL_GUARDED_BY(mu) = false;
  Config config;
  MemorySource* memory = nullptr;
  CollectFn collect = nullptr;
  // Policies are never freed while a stray thread might still be deciding:
  // the one replaced at init is deleted at the following init.
  Policy* retired ABSL_GUARDED_BY(mu) = nullptr;
};

// Constant-initialised and never destroyed (threads may still allocate while
// the process exits).
ABSL_CONST_INIT TriggerState g_trigger;

// The trigger's own collection runs on this thread: a finalizer or destroy
// that allocates must not start another.
thread_local bool t_collecting_here = false;

// The last collection (epoch) this thread's settled estimate was offered for.
thread_local uint64_t t_settled_epoch = 0;

// The running collection (by the epoch it will end) that held this thread for
// kMaxHold already; it does not hold it again.
thread_local uint64_t t_hold_expired_epoch = UINT64_MAX;

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
              std::atomic<uint32_t>::is_always_lock_free);

// Sleeps while *word == expected, at most `timeout`; may return early.
void FutexWaitFor(std::atomic<uint32_t>* word, uint32_t expected,
                  absl::Duration timeout) {
  timespec ts = absl::ToTimespec(timeout);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE,
          expected, &ts, nullptr, 0);
}

void FutexWakeAll(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE,
          INT_MAX, nullptr, nullptr, 0);
}

void RecomputeGateLocked(TriggerState& t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(t.mu) {
  Policy* p = t.policy.load(std::memory_order_relaxed);
  bool active = t.initialized && p != nullptr && t.config.threshold != 0 &&
                t.enabled.load(std::memory_order_relaxed);
  t.gate.store(
      active ? p->gate(t.long_lived.load(std::memory_order_relaxed)) : kClosed,
      std::memory_order_relaxed);
}

void RecomputeGate() {
  absl::MutexLock lock(&g_trigger.mu);
  RecomputeGateLocked(g_trigger);
}

void Defer(TriggerState& t, const TriggerSnapshot& s, const Decision& d) {
  size_t moved = t.young.TakeAll();
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  if (moved == 0) return;  // another thread deferred this batch already
  t.deferred_young.fetch_add(moved, std::memory_order_relaxed);
  t.deferrals.fetch_add(1, std::memory_order_relaxed);
  if (t.config.debug & CGC_DEBUG_STATS) {
    absl::FPrintF(stderr,
                  "cyclegc: deferred collection (trigger=%s young=%u "
                  "deferred=%u estimate=%u at_last=%u)\n",
                  TriggerName(t.config.trigger), s.young,
                  s.deferred_young + moved, d.estimate_now, s.estimate_at_last);
  }
}

// Raises the gate to `above` (never reopens a closed one). Racing raises and
// a collection's recompute may interleave; any order is safe: at worst one
// extra or one delayed check.
void RaiseGate(TriggerState& t, size_t above) {
  if (above == 0) return;
  size_t gate = t.gate.load(std::memory_order_relaxed);
  while (
      gate != kClosed && gate < above &&
      !t.gate.compare_exchange_weak(gate, above, std::memory_order_relaxed)) {
  }
}

// Lowers estimate_at_last to `estimate` if that is lower (policies whose
// baseline follows drops; see Policy::BaselineFollowsDrops). The young
// objects counted so far are inside the lower reading, so they join
// young_before_estimate. A lower baseline only makes the next collection
// earlier, never earlier than the count rule allows. True if it lowered.
bool LowerBaseline(TriggerState& t, size_t estimate) {
  size_t last = t.estimate_at_last.load(std::memory_order_relaxed);
  do {
    if (estimate >= last) return false;
  } while (!t.estimate_at_last.compare_exchange_weak(
      last, estimate, std::memory_order_relaxed));
  size_t young = t.young.Load();
  size_t before = t.young_before_estimate.load(std::memory_order_relaxed);
  while (before < young && !t.young_before_estimate.compare_exchange_weak(
                               before, young, std::memory_order_relaxed)) {
  }
  return true;
}

// A thread's first allocation batch after a collection: by then it has
// drained its merge queue, so the garbage it owned is freed. Offers the
// estimate as the baseline; the last thread to get here sees the settled heap.
ABSL_ATTRIBUTE_NOINLINE void SettleAfterCollection(TriggerState& t,
                                                   uint64_t epoch) {
  t_settled_epoch = epoch;
  Policy* policy = t.policy.load(std::memory_order_acquire);
  if (policy != nullptr && policy->BaselineFollowsDrops()) {
    // Blocks the collecting thread freed into this thread's full pages keep
    // them counted until mimalloc's next slow path here, so this reading may
    // be high; a later reading below the baseline re-decides (DecideAndAct).
    // Forcing those frees first (mimalloc patch 0006) is not needed for
    // that, and was dropped: on the 2-thread cyclotron, deferrals stayed at
    // 0-3 a run without it, and its one suspected cost (an extra 32 MiB
    // segment on chain c=10 e=100k) was not borne out by later runs, where
    // count drew that segment as often.
    LowerBaseline(t, policy->EstimateNow());
  }
}

void RunCollection(TriggerState& t, uint64_t epoch, const TriggerSnapshot& s,
                   const Decision& d) {
  uint32_t expected = 0;
  if (!t.collecting.compare_exchange_strong(expected, 1,
                                            std::memory_order_acq_rel)) {
    return;  // another thread's triggered collection is running
  }
  // A collection finished since this thread read the counters: its decision
  // is stale.
  if (t.epoch.load(std::memory_order_acquire) == epoch) {
    TriggerFigures f;
    f.young = s.young;
    f.deferred_young = s.deferred_young;
    f.estimate_now = d.estimate_now;
    f.estimate_at_last = s.estimate_at_last;
    t.triggered.fetch_add(1, std::memory_order_relaxed);
    t_collecting_here = true;
    t.collect(d.reason, f);
    t_collecting_here = false;
  }
  t.collecting.store(0, std::memory_order_release);
  FutexWakeAll(&t.collecting);
}

}  // namespace

void TriggerAfterForkChild() {
  if (!t_collecting_here) g_trigger.collecting.store(0);
}

namespace {

// True if this thread may wait for another thread's collection: it is not
// running one (nor an explicit one, which the triggered one waits for), and
// does not have the world stopped.
bool MayHold() {
  return !t_collecting_here && !InCollectionOnThisThread() &&
         !CallerIsStopper();
}

// Young ran more than kHoldFactor x gate ahead of a running collection.
bool FarAhead(const TriggerState& t, size_t young) {
  size_t gate = t.gate.load(std::memory_order_relaxed);
  return gate != kClosed && young / kHoldFactor > gate;
}

// Waits, counted as stopped (the collection stops the world again to reap
// deaths), until the running triggered collection has finished or kMaxHold
// passed. True if it finished.
bool WaitForRunningCollection(TriggerState& t) {
  t.holds.fetch_add(1, std::memory_order_relaxed);
  const absl::Time deadline = absl::Now() + kMaxHold;
  bool finished = true;
  cgc_blocking_begin();
  while (t.collecting.load(std::memory_order_acquire) != 0) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      finished = false;
      break;
    }
    FutexWaitFor(&t.collecting, 1, left);
  }
  cgc_blocking_end();
  if (!finished) {
    t.hold_timeouts.fetch_add(1, std::memory_order_relaxed);
    if (t.config.debug & CGC_DEBUG_STATS) {
      absl::FPrintF(stderr,
                    "cyclegc: held thread released after %s with the "
                    "collection still running (does it wait for a lock this "
                    "thread holds?)\n",
                    absl::FormatDuration(kMaxHold));
    }
  }
  return finished;
}

ABSL_ATTRIBUTE_NOINLINE void DecideAndAct() {
  TriggerState& t = g_trigger;
  if (t_collecting_here) return;
  while (t.collecting.load(std::memory_order_acquire) != 0) {
    if (!MayHold() || !FarAhead(t, t.young.Load())) return;
    // Collections end in epoch order: the running one is known by the epoch
    // before its end.
    uint64_t running = t.epoch.load(std::memory_order_acquire);
    if (t_hold_expired_epoch == running) return;
    if (!WaitForRunningCollection(t)) {
      t_hold_expired_epoch = running;
      return;
    }
  }
  Policy* policy = t.policy.load(std::memory_order_acquire);
  if (policy == nullptr) return;
  uint64_t epoch = t.epoch.load(std::memory_order_acquire);
  TriggerSnapshot s;
  s.young = t.young.Load();
  s.deferred_young = t.deferred_young.load(std::memory_order_relaxed);
  s.long_lived = t.long_lived.load(std::memory_order_relaxed);
  s.estimate_at_last = t.estimate_at_last.load(std::memory_order_relaxed);
  s.young_before_estimate =
      t.young_before_estimate.load(std::memory_order_relaxed);
  Decision d = policy->Decide(s);
  if (d.verdict != Decision::kCollect && d.estimate_now != 0 &&
      policy->BaselineFollowsDrops() && d.estimate_now < s.estimate_at_last) {
    // Memory fell below the baseline: it was read before garbage was freed,
    // and the young objects counted so far are inside the new, lower one.
    // Decide again on the corrected baseline. Whether this thread lowers it
    // or another thread's settle got there first (between the snapshot and
    // the reading) does not matter: the snapshot is stale either way. On
    // that race the old test deferred (cyclotron chain c=10 e=100k, 2
    // threads: estimate 23 MB against a snapshot baseline of 48 MB).
    LowerBaseline(t, d.estimate_now);
    s.estimate_at_last = d.estimate_now;
    s.young_before_estimate = s.young;
    d = policy->Decide(s);
  }
  switch (d.verdict) {
    case Decision::kNotYet:
      RaiseGate(t, d.recheck_above);
      return;
    case Decision::kDefer:
      Defer(t, s, d);
      RaiseGate(t, d.recheck_above);
      return;
    case Decision::kCollect:
      RunCollection(t, epoch, s, d);
      return;
  }
}

}  // namespace

SystemMemorySource& ProcessMemory() {
  static SystemMemorySource* const source = new SystemMemorySource;
  return *source;
}

absl::Status TriggerInitWith(const Config& config, const TriggerDeps& deps) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  TriggerState& t = g_trigger;
  absl::MutexLock lock(&t.mu);
  t.config = config;
  t.memory = deps.memory != nullptr ? deps.memory : &ProcessMemory();
  t.collect = deps.collect != nullptr ? deps.collect : &Collect;
  delete t.retired;
  t.retired = t.policy.exchange(MakePolicy(config, t.memory).release(),
                                std::memory_order_acq_rel);
  t.young.Reset();
  t.deferred_young.store(0, std::memory_order_relaxed);
  t.long_lived.store(0, std::memory_order_relaxed);
  t.estimate_at_last.store(0, std::memory_order_relaxed);
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  t.full_page_bytes_after.store(0, std::memory_order_relaxed);
  t.deferrals.store(0, std::memory_order_relaxed);
  t.triggered.store(0, std::memory_order_relaxed);
  t.holds.store(0, std::memory_order_relaxed);
  t.hold_timeouts.store(0, std::memory_order_relaxed);
  t.enabled.store(true, std::memory_order_relaxed);
  t.initialized = true;
  RecomputeGateLocked(t);
  return absl::OkStatus();
}

absl::Status TriggerInit(const Config& config) {
  return TriggerInitWith(config, TriggerDeps{});
}

void TriggerShutdown() {
  absl::MutexLock lock(&g_trigger.mu);
  g_trigger.initialized = false;
  RecomputeGateLocked(g_trigger);
}

void OnYoungBatch(int64_t delta) {
  size_t young = g_trigger.young.Add(delta);
  if (delta <= 0) return;
  uint64_t epoch = g_trigger.epoch.load(std::memory_order_relaxed);
  if (epoch != t_settled_epoch && !t_collecting_here) {
    SettleAfterCollection(g_trigger, epoch);
  }
  if (young <= g_trigger.gate.load(std::memory_order_relaxed)) return;
  DecideAndAct();
}

void TriggerOnHeapWalked() {
  TriggerState& t = g_trigger;
  t.young.Reset();
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  t.deferred_young.store(0, std::memory_order_relaxed);
}

void TriggerOnCollectionDone(size_t survivors) {
  TriggerState& t = g_trigger;
  t.long_lived.store(survivors, std::memory_order_relaxed);
  Policy* policy = t.policy.load(std::memory_order_acquire);
  MemorySource* memory = t.memory != nullptr ? t.memory : &ProcessMemory();
  t.estimate_at_last.store(policy != nullptr ? policy->EstimateNow() : 0,
                           std::memory_order_relaxed);
  // Read after the estimate: everything counted so far is in it.
  t.young_before_estimate.store(t.young.Load(), std::memory_order_relaxed);
  t.full_page_bytes_after.store(memory->FullPageBytes(),
                                std::memory_order_relaxed);
  t.epoch.fetch_add(1, std::memory_order_acq_rel);
  RecomputeGate();
}

void TriggerFillStats(cgc_stats* out) {
  TriggerState& t = g_trigger;
  TriggerCounters c = GetTriggerCounters();
  MemorySource* memory = t.memory != nullptr ? t.memory : &ProcessMemory();
  out->collections_deferred = c.deferrals;
  out->young = c.young + c.deferred_young;
  out->long_lived = c.long_lived;
  out->full_page_bytes = memory->FullPageBytes();
  out->full_page_bytes_after =
      t.full_page_bytes_after.load(std::memory_order_relaxed);
  out->trigger = t.config.trigger;
  out->trigger_name = TriggerName(t.config.trigger);
}

TriggerCounters GetTriggerCounters() {
  const TriggerState& t = g_trigger;
  TriggerCounters c;
  c.young = t.young.Load();
  c.deferred_young = t.deferred_young.load(std::memory_order_relaxed);
  c.long_lived = t.long_lived.load(std::memory_order_relaxed);
  c.estimate_at_last = t.estimate_at_last.load(std::memory_order_relaxed);
  c.deferrals = t.deferrals.load(std::memory_order_relaxed);
  c.triggered = t.triggered.load(std::memory_order_relaxed);
  c.holds = t.holds.load(std::memory_order_relaxed);
  c.hold_timeouts = t.hold_timeouts.load(std::memory_order_relaxed);
  return c;
}

}  // namespace cyclegc::internal

using cyclegc::internal::g_trigger;

extern "C" {

CGC_API void cgc_enable(void) {
  g_trigger.enabled.store(true, std::memory_order_relaxed);
  cyclegc::internal::RecomputeGate();
}

CGC_API void cgc_disable(void) {
  g_trigger.enabled.store(false, std::memory_order_relaxed);
  cyclegc::internal::RecomputeGate();
}

CGC_API int cgc_is_enabled(void) {
  return g_trigger.enabled.load(std::memory_order_relaxed) ? 1 : 0;
}

CGC_API size_t cgc_full_page_bytes(void) {
  return cyclegc::alloc::FullPageBytes();
}

CGC_API void cgc_add_external_pressure(int64_t bytes) {
  cyclegc::internal::ProcessMemory().AddExternal(bytes);
}

}  // extern "C"
