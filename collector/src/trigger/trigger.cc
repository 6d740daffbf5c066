// The trigger: folds young batches and byte checks, asks the policy when the
// gate or a byte step is passed, and runs the collection it decides on, on
// the allocating thread (trigger_state.h maps the files).
//
// Allocation path: OnYoungBatch (once per ~256 net allocations per thread)
// does one fetch_add on the shared young count and one relaxed load of the
// gate; OnAllocatedBytes runs once per byte step. Everything else (policy,
// syscalls, counters) is out of line.
//
// Holding: young restarts at the collection's heap walk, so objects other
// threads allocate while it finishes count toward the next one. A thread far
// ahead of a running collection waits for it (trigger_hold.cc); without this,
// each collection of N objects lasts long enough for the others to allocate
// more than N, and collections grow without bound.
#include "trigger.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/const_init.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "collect.h"
#include "config.h"
#include "policy.h"
#include "release_job.h"
#include "seams.h"
#include "trigger_state.h"

namespace cyclegc::internal {

ABSL_CONST_INIT TriggerState g_trigger;
thread_local bool t_collecting_here = false;
thread_local uint64_t t_settled_epoch = 0;

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
  while (Policy* p = t.retired_before_init) {
    t.retired_before_init = p->retired_next;
    delete p;
  }
  t.retired_before_init = std::exchange(t.retired_since_init, nullptr);
  Policy* replaced = t.policy.exchange(MakePolicy(config, t.memory).release(),
                                       std::memory_order_acq_rel);
  if (replaced != nullptr) {
    replaced->retired_next = t.retired_before_init;
    t.retired_before_init = replaced;
  }
  t.debug.store(config.debug, std::memory_order_relaxed);
  t.young.Reset();
  t.deferred_young.store(0, std::memory_order_relaxed);
  t.long_lived.store(0, std::memory_order_relaxed);
  t.estimate_at_last.store(0, std::memory_order_relaxed);
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  t.full_page_bytes_after.store(0, std::memory_order_relaxed);
  t.threads_deciding.store(0, std::memory_order_relaxed);
  t.threads_deciding_last.store(1, std::memory_order_relaxed);
  t.deferrals.store(0, std::memory_order_relaxed);
  t.triggered.store(0, std::memory_order_relaxed);
  t.holds.store(0, std::memory_order_relaxed);
  t.hold_timeouts.store(0, std::memory_order_relaxed);
  t.enabled.store(true, std::memory_order_relaxed);
  t.initialized = true;
  RecomputeGateLocked(t);
  return absl::OkStatus();
}

absl::Status TriggerReconfigure(const Config& config) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  TriggerState& t = g_trigger;
  absl::MutexLock lock(&t.mu);
  if (!t.initialized) {
    return absl::FailedPreconditionError("cgc_init has not been called");
  }
  t.config = config;
  Policy* replaced = t.policy.exchange(MakePolicy(config, t.memory).release(),
                                       std::memory_order_acq_rel);
  replaced->retired_next = t.retired_since_init;
  t.retired_since_init = replaced;
  t.debug.store(config.debug, std::memory_order_relaxed);
  // Young, survivors and the memory baseline carry over: the new rule judges
  // what the old one counted.
  RecomputeGateLocked(t);
  return absl::OkStatus();
}

absl::StatusOr<Config> TriggerConfig() {
  TriggerState& t = g_trigger;
  absl::MutexLock lock(&t.mu);
  if (!t.initialized) {
    return absl::FailedPreconditionError("cgc_init has not been called");
  }
  return t.config;
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
  // A running collection (triggered or not) may offer trash in this
  // thread's heap (release_job.h).
  if (ReleaseJobOffered()) HelpRunningCollection();
  uint64_t epoch = g_trigger.epoch.load(std::memory_order_relaxed);
  if (epoch != t_settled_epoch && !t_collecting_here) {
    SettleAfterCollection(g_trigger, epoch);
  }
  if (young <= g_trigger.gate.load(std::memory_order_relaxed)) return;
  DecideAndAct();
}

void OnAllocatedBytes(size_t bytes) {
  g_trigger.bytes_allocated.fetch_add(bytes, std::memory_order_relaxed);
  NoteThreadBytes(g_trigger, bytes);
  if (t_collecting_here) return;
  uint64_t epoch = g_trigger.epoch.load(std::memory_order_relaxed);
  if (epoch != t_settled_epoch) SettleAfterCollection(g_trigger, epoch);
  DecideAndAct();
}

void TriggerOnHeapWalked() {
  TriggerState& t = g_trigger;
  t.young.Reset();
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  t.deferred_young.store(0, std::memory_order_relaxed);
  t.bytes_at_walk.store(t.bytes_allocated.load(std::memory_order_relaxed),
                        std::memory_order_relaxed);
  t.walks.fetch_add(1, std::memory_order_relaxed);
}

void TriggerOnCollectionDone(size_t survivors) {
  TriggerState& t = g_trigger;
  t.long_lived.store(survivors, std::memory_order_relaxed);
  Policy* policy = t.policy.load(std::memory_order_acquire);
  MemorySource* memory = t.memory != nullptr ? t.memory : &ProcessMemory();
  size_t estimate = policy != nullptr ? policy->EstimateNow() : 0;
  if (policy != nullptr && policy->BaselineExcludesNewAllocation()) {
    // What other threads allocated since the heap walk is the next cycle's,
    // not the surviving heap: left in, each collection's goal would grow by
    // what was allocated during the last one (2 threads, Tim's queue: the
    // base settled near twice the live set).
    size_t since = t.bytes_allocated.load(std::memory_order_relaxed) -
                   t.bytes_at_walk.load(std::memory_order_relaxed);
    estimate = estimate > since ? estimate - since : 0;
  }
  t.estimate_at_last.store(estimate, std::memory_order_relaxed);
  // Read after the estimate: everything counted so far is in it.
  t.young_before_estimate.store(t.young.Load(), std::memory_order_relaxed);
  t.full_page_bytes_after.store(memory->FullPageBytes(),
                                std::memory_order_relaxed);
  const uint32_t deciding =
      t.threads_deciding.exchange(0, std::memory_order_relaxed);
  t.threads_deciding_last.store(deciding > 0 ? deciding : 1,
                                std::memory_order_relaxed);
  t.epoch.fetch_add(1, std::memory_order_acq_rel);
  RecomputeGate();
}

}  // namespace cyclegc::internal
