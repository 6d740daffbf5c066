#include <atomic>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "collect.h"
#include "cpu_relax.h"
#include "futex.h"
#include "log.h"
#include "release_job.h"
#include "seams.h"
#include "stop_the_world.h"
#include "trigger_state.h"

namespace cyclegc::internal {
namespace {

// Goal allowances past the goal at which a running collection holds a thread,
// and at which it holds it again after a timed-out hold: a collection that
// outlasts kMaxHold (a descheduled collector, a big heap) must not let the
// others allocate without bound, or the next collection is bigger and longer
// still. A quarter, not a whole allowance: what a thread adds during another
// thread's collection is the next cycle's trash on top of this one's, and at
// 2 threads a whole allowance doubled the queue's peak RSS (129 MB against
// 70 MB for 20 MB live) without running any faster.
constexpr double kFarPastGoal = 0.25;
constexpr double kRunawayPastGoal = 3.0;
// The same for young objects, in multiples of the hold gate: a collection
// held up under load (a descheduled collector, TSan beside other tests) let
// a released thread make 450k objects of trash for a 2000-object threshold.
constexpr size_t kRunawayYoungFactor = 4;

// The running collection (by the epoch it will end) that held this thread for
// kMaxHold already; it does not hold it again (below kRunawayPastGoal).
thread_local uint64_t t_hold_expired_epoch = UINT64_MAX;

// True if this thread may wait for another thread's collection: it is not
// running one (nor an explicit one, which the triggered one waits for), and
// does not have the world stopped.
bool MayHold() {
  return !t_collecting_here && !InCollectionOnThisThread() &&
         !CallerIsStopper();
}

// Young ran more than `factor` x the hold gate ahead of a running collection.
bool YoungAhead(const TriggerState& t, size_t young, size_t factor) {
  size_t gate = t.hold_gate.load(std::memory_order_relaxed);
  return gate != kClosed && young / factor > gate;
}

// A small heap's collection ends within tens of microseconds: about what
// sleeping costs, a futex wait here and a wake by the collector, each a
// system call. So a held thread first spins that long, while every running
// thread had a core at the collection's stop (ParkedThreadsMaySpin), as
// parked threads do. 2 threads, chain c=10 e=100k l=100 (collections of
// 19 us, held in most): 5-6% more objects in 5 interleaved runs; the queue
// e=10k l=1k (100 us) unchanged.
constexpr uint64_t kHoldSpinNs = 50'000;

// Waits, counted as stopped (the collection stops the world again to reap
// deaths), until the running triggered collection has finished or kMaxHold
// passed. True if it finished.
bool WaitForRunningCollection(TriggerState& t) {
  t.holds.fetch_add(1, std::memory_order_relaxed);
  const absl::Time deadline = absl::Now() + kMaxHold;
  bool finished = true;
  cgc_blocking_begin();
  if (ParkedThreadsMaySpin()) {
    SpinFor(kHoldSpinNs, [&t] {
      return t.collecting.load(std::memory_order_acquire) == 0 ||
             ReleaseJobOffered();
    });
  }
  t.held_now.fetch_add(1, std::memory_order_seq_cst);
  // A job offered from here on wakes us; one offered before is seen here
  // (seq_cst pairs with TriggerOnReleaseJobOffered's reads).
  while (t.collecting.load(std::memory_order_seq_cst) != 0 &&
         !ReleaseJobOffered()) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      finished = false;
      break;
    }
    FutexWaitFor(&t.collecting, 1, left);
  }
  t.held_now.fetch_sub(1, std::memory_order_relaxed);
  cgc_blocking_end();
  if (!finished) {
    t.hold_timeouts.fetch_add(1, std::memory_order_relaxed);
    if (t.debug.load(std::memory_order_relaxed) & CGC_DEBUG_STATS) {
      LogF(CGC_LOG_WARNING,
           "cyclegc: held thread released after %s with the "
           "collection still running (does it wait for a lock this "
           "thread holds?)",
           absl::FormatDuration(kMaxHold));
    }
  }
  return finished;
}

// Goal allowances memory ran past the policy's goal (0 for count-driven
// policies).
double AllowancesPastGoal(const TriggerState& t) {
  Policy* policy = t.policy.load(std::memory_order_acquire);
  if (policy == nullptr) return 0;
  TriggerSnapshot s;
  s.estimate_at_last = t.estimate_at_last.load(std::memory_order_relaxed);
  if (policy->SharesGoalPerThread()) {
    PeekThreadShare(t, t.epoch.load(std::memory_order_acquire), s);
  }
  return policy->AllowancesPastGoal(s);
}

}  // namespace

void HelpRunningCollection() {
  if (MayHold()) (void)HelpWithReleaseJob();
}

void TriggerOnReleaseJobOffered() {
  TriggerState& t = g_trigger;
  if (t.held_now.load(std::memory_order_seq_cst) != 0) {
    FutexWakeAll(&t.collecting);
  }
}

bool HoldWhileCollectionRuns(TriggerState& t) {
  while (t.collecting.load(std::memory_order_acquire) != 0) {
    if (!MayHold()) return false;
    // Releasing the running collection's trash beats waiting for it.
    if (HelpWithReleaseJob()) continue;
    double past_goal = AllowancesPastGoal(t);
    const size_t young = t.young.Load();
    if (!YoungAhead(t, young, kHoldFactor) && past_goal <= kFarPastGoal) {
      return false;
    }
    // Collections end in epoch order: the running one is known by the epoch
    // before its end.
    uint64_t running = t.epoch.load(std::memory_order_acquire);
    if (t_hold_expired_epoch == running && past_goal <= kRunawayPastGoal &&
        !YoungAhead(t, young, kRunawayYoungFactor)) {
      return false;
    }
    if (!WaitForRunningCollection(t)) {
      t_hold_expired_epoch = running;
      return false;
    }
  }
  return true;
}

}  // namespace cyclegc::internal
