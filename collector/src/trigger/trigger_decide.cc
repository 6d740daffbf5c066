// Asks the policy once the gate or a byte check says it may be time, and acts
// on the verdict: nothing yet (space the next check out), defer (move young
// aside), or collect.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "log.h"
#include "trigger_state.h"

namespace cyclegc::internal {
namespace {

void Defer(TriggerState& t, const TriggerSnapshot& s, const Decision& d) {
  size_t moved = t.young.TakeAll();
  t.young_before_estimate.store(0, std::memory_order_relaxed);
  if (moved == 0) return;  // another thread deferred this batch already
  t.deferred_young.fetch_add(moved, std::memory_order_relaxed);
  t.deferrals.fetch_add(1, std::memory_order_relaxed);
  if (t.debug.load(std::memory_order_relaxed) & CGC_DEBUG_STATS) {
    LogF(CGC_LOG_INFO,
         "cyclegc: deferred collection (trigger=%s young=%u "
         "deferred=%u estimate=%u at_last=%u)",
         TriggerName(t.policy.load()->kind()), s.young,
         s.deferred_young + moved, d.estimate_now, s.estimate_at_last);
  }
}

}  // namespace

void DecideAndAct() {
  TriggerState& t = g_trigger;
  if (t_collecting_here) return;
  if (!HoldWhileCollectionRuns(t)) return;
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
  if (policy->SharesGoalPerThread()) FillThreadShare(t, *policy, epoch, s);
  Decision d = policy->Decide(s);
  if (d.thread_estimate_now != 0) LowerThreadBaseline(d.thread_estimate_now);
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
      GateAfterDeferral(t, d.recheck_above);
      return;
    case Decision::kCollect:
      RunTriggeredCollection(t, epoch, s, d);
      return;
  }
}

}  // namespace cyclegc::internal
