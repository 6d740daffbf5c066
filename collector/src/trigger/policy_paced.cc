// paced: collect when full-page bytes plus external pressure exceed the heap
// goal (see ComputeHeapGoal). Checked well below the threshold, every
// PacedCheckInterval young objects (a few young objects can hold megabytes);
// the check costs no syscall, but summing every thread's counter is O(threads)
// cache misses, so it is not done on every batch. Goal-driven collections need
// no count rule: the goal grows with the heap, which keeps the work linear. The
// limit-driven ones do (young + deferred >= long_lived / 4): a live heap
// already over the limit must not make every batch collect. Past the threshold
// with the goal not reached, it defers like fullpages, and the deferral cap
// still applies.
#include "policy_paced.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "heap_goal.h"
#include "policy.h"
#include "policy_table.h"

namespace cyclegc::internal {

size_t PacedCheckInterval(size_t threshold) {
  return std::clamp<size_t>(threshold / 2, 1, 1024);
}

namespace {

class PacedPolicy final : public Policy {
 public:
  PacedPolicy(const Config& c, MemorySource* mem) : config_(c), mem_(mem) {}
  cgc_trigger_kind kind() const override { return CGC_TRIGGER_PACED; }
  size_t gate(size_t) const override { return 0; }
  size_t HoldGate(size_t long_lived) const override {
    return policy_rules::CountRuleGate(config_.threshold, long_lived);
  }
  Decision Decide(const TriggerSnapshot& s) const override {
    Decision d;
    if (config_.threshold == 0) return d;
    d.estimate_now = EstimateNow();
    HeapGoal goal = ComputeHeapGoal(s.estimate_at_last, config_);
    if (PastGoalAsksToCollect(goal, d.estimate_now, s.young + s.deferred_young,
                              s.long_lived)) {
      d.verdict = Decision::kCollect;
      d.reason = goal.reason;
      return d;
    }
    if (!policy_rules::CountRulePasses(s, config_.threshold)) {
      // Next goal check an interval later, but no later than the count rule
      // could pass (deferrals and the cap stay on time).
      d.recheck_above = std::min(
          s.young + PacedCheckInterval(config_.threshold),
          policy_rules::CountRuleGate(config_.threshold, s.long_lived));
      return d;
    }
    if (policy_rules::DeferCapReached(s.deferred_young, config_.threshold,
                                      config_.defer_cap)) {
      d.verdict = Decision::kCollect;
      d.reason = CGC_REASON_DEFER_CAP;
      return d;
    }
    if (policy_rules::YoungHiddenInBaseline(s, config_.threshold)) {
      d.verdict = Decision::kCollect;
      d.reason = CGC_REASON_THRESHOLD;
      return d;
    }
    d.verdict = Decision::kDefer;
    d.recheck_above = PacedCheckInterval(config_.threshold);  // young is 0 now
    return d;
  }
  bool BaselineFollowsDrops() const override { return true; }
  size_t EstimateNow() const override {
    return mem_->FullPageBytes() + mem_->ExternalBytes();
  }

 private:
  Config config_;
  MemorySource* mem_;
};

}  // namespace

std::unique_ptr<Policy> MakePacedPolicy(const Config& config,
                                        MemorySource* mem) {
  return std::make_unique<PacedPolicy>(config, mem);
}

// The row: a Go-like heap goal at CPython's 10% growth.
template <>
const PolicyInfo& PolicyRow<CGC_TRIGGER_PACED>() {
  static constexpr PolicyInfo kRow{CGC_TRIGGER_PACED, "paced", 128 * kKiB, 0.10,
                                   &MakePacedPolicy};
  return kRow;
}

}  // namespace cyclegc::internal
