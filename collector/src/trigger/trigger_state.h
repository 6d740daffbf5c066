// The trigger's shared state and the functions its files share. Internal to
// the trigger (trigger*.cc); other modules call seams.h and trigger.h.
//
//   trigger.cc           lifecycle and the entry points (young batches, byte
//                        checks, a collection's walk and end)
//   trigger_decide.cc    ask the policy, act on the verdict (defer, collect)
//   trigger_gate.cc      the young gate and the byte-check step
//   trigger_baseline.cc  the memory baseline that follows the settled heap
//   trigger_hold.cc      holding threads that run far ahead of a collection
//   trigger_run.cc       running the triggered collection, one at a time
//   trigger_api.cc       the C API (enable/disable, pressure) and stats
#ifndef CYCLEGC_COLLECTOR_TRIGGER_STATE_H_
#define CYCLEGC_COLLECTOR_TRIGGER_STATE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "config.h"
#include "memory_source.h"
#include "policy.h"
#include "trigger.h"
#include "young_count.h"

namespace cyclegc::internal {

inline constexpr size_t kClosed =
    SIZE_MAX;  // gate value: no automatic collection
// Young allowed past the hold gate, as a multiple of it, while a collection
// runs.
inline constexpr size_t kHoldFactor = 2;
// Longest one running collection holds a thread back. Past it the thread
// allocates on, and that collection does not hold it again.
inline constexpr absl::Duration kMaxHold = absl::Milliseconds(50);

struct TriggerState {
  // Hot: written by every thread's batches / read on every batch.
  YoungCount young;
  alignas(64) std::atomic<size_t> gate{kClosed};
  // Young past which a thread is far ahead of a running collection, over
  // kHoldFactor (Policy::HoldGate; the gate may sit far lower).
  std::atomic<size_t> hold_gate{kClosed};

  // Cold.
  // 1 while a triggered collection runs; held threads wait on it (futex.h).
  alignas(64) std::atomic<uint32_t> collecting{0};
  std::atomic<uint64_t> epoch{0};  // collections completed (any reason)
  std::atomic<size_t> deferred_young{0};
  std::atomic<size_t> long_lived{0};
  std::atomic<size_t> estimate_at_last{0};
  std::atomic<size_t> young_before_estimate{0};
  std::atomic<size_t> full_page_bytes_after{0};
  // Threads that decided since the last collection, and that count at it:
  // the shares of the goal (TriggerSnapshot::thread_shares).
  std::atomic<uint32_t> threads_deciding{0};
  std::atomic<uint32_t> threads_deciding_last{1};
  // Heap walks so far: a thread tells by it which of its bytes came after
  // the last walk (NoteThreadBytes).
  std::atomic<uint64_t> walks{0};
  // Bytes the threads reported allocating (OnAllocatedBytes), and that
  // figure at the last heap walk.
  std::atomic<size_t> bytes_allocated{0};
  std::atomic<size_t> bytes_at_walk{0};
  std::atomic<uint64_t> deferrals{0};
  std::atomic<uint64_t> triggered{0};
  std::atomic<uint64_t> holds{0};  // batches that waited for a collection
  std::atomic<uint64_t> hold_timeouts{0};  // holds that ended at kMaxHold
  // Threads waiting in a hold now: woken when the collection offers trash to
  // release (release_job.h), only if there are any.
  std::atomic<uint32_t> held_now{0};
  std::atomic<bool> enabled{true};
  // The policy in force; it holds its own copy of the config, so deciding
  // threads never read `config` below, which a reconfiguration replaces.
  std::atomic<Policy*> policy{nullptr};
  std::atomic<unsigned> debug{0};  // CGC_DEBUG_* bits in force

  absl::Mutex mu{absl::kConstInit};
  bool initialized ABSL_GUARDED_BY(mu) = false;
  Config config ABSL_GUARDED_BY(mu);
  // Set at init; stable until the next init.
  MemorySource* memory = nullptr;
  CollectFn collect = nullptr;
  // Policies are never freed while a stray thread might still be deciding:
  // those replaced (at init or by a reconfiguration) before the last init
  // are deleted at the next one.
  // Chains through Policy::retired_next: no container whose buffer the
  // state's destruction at exit would free, so a leak checker still reaches
  // them from here.
  Policy* retired_before_init ABSL_GUARDED_BY(mu) = nullptr;
  Policy* retired_since_init ABSL_GUARDED_BY(mu) = nullptr;
};

// Constant-initialised and never destroyed (threads may still allocate while
// the process exits).
extern TriggerState g_trigger;

// The trigger's own collection runs on this thread: a finalizer or destroy
// that allocates must not start another.
extern thread_local bool t_collecting_here;
// The last collection (epoch) this thread's settled estimate was offered for.
extern thread_local uint64_t t_settled_epoch;

// trigger_gate.cc
void RecomputeGateLocked(TriggerState& t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(t.mu);
void RecomputeGate();
void RaiseGate(TriggerState& t, size_t above);
void GateAfterDeferral(TriggerState& t, size_t above);

// trigger_baseline.cc
bool LowerBaseline(TriggerState& t, size_t estimate);
void SettleAfterCollection(TriggerState& t, uint64_t epoch);
// For a policy that shares its goal per thread: fills the snapshot's
// thread_shares and thread_at_last (this thread's reading at its first
// decision since collection `epoch`, lowered by later lower readings).
void FillThreadShare(TriggerState& t, const Policy& policy, uint64_t epoch,
                     TriggerSnapshot& s);
// The same without taking a baseline: fills the fields only if this thread
// has one for collection `epoch` (a thread's hold reads it).
void PeekThreadShare(const TriggerState& t, uint64_t epoch, TriggerSnapshot& s);
// A decision read this thread's estimate: a reading below its baseline
// lowers it.
void LowerThreadBaseline(size_t thread_estimate);
// Counts the bytes this thread reports on the byte path, and where the last
// heap walk fell among them: what it allocated since then is the next
// cycle's, left out of its baseline as the global one leaves it out.
void NoteThreadBytes(TriggerState& t, size_t bytes);

// trigger_hold.cc: while a triggered collection runs, waits for it if this
// thread ran far ahead (young or memory), at most kMaxHold per collection.
// True once no collection runs (decide now), false to decide nothing.
bool HoldWhileCollectionRuns(TriggerState& t);
// Takes the running collection's offered release job if this thread may
// (trigger_hold.cc).
void HelpRunningCollection();

// trigger_run.cc: runs the collection decided on at `epoch` unless another
// thread's runs or one finished since (the decision is stale).
void RunTriggeredCollection(TriggerState& t, uint64_t epoch,
                            const TriggerSnapshot& s, const Decision& d);

// trigger_decide.cc
void DecideAndAct();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_TRIGGER_STATE_H_
