// pressure (default): memory starts collections. A collection is due once the
// estimate (full-page bytes over all threads, plus external pressure) passes
// the heap goal (heap_goal.h) set by what survived the last one; threads
// check it every ByteCheckStep bytes they allocate, so payload-heavy trash is
// caught within a step, whatever the object count. Trash that holds little
// memory is caught by a count backstop: threshold young objects (2000 by
// default), and never fewer than half what survived the last collection, so
// the backstop's work stays linear in allocation too. Half, the growth the
// memory goal admits: with all the survivors, 2 threads holding 10k objects
// each left 40k objects of trash to each collection (p99 pause 1.2-1.4 ms,
// 13-14 MB; with half: 0.87-1.0 ms, 11 MB; docs/STATUS.md, session 11).
// Not later: small trash collected often costs no more time than collected
// rarely (each object is marked once either way, and a small set stays in
// cache) and holds far less memory (2 threads, chain c=10 e=0: 7 MB at 2000,
// 14 MB at 80,000; session 7). There is no deferral: memory that did not
// grow is no reason to wait once the backstop passed.
// With threads, each also keeps to its share of the goal's allowance: pages
// one thread's garbage emptied serve only that thread, so when threads take
// turns at allocating (one runs while the other is held or descheduled),
// each one's own peak reaches the whole goal and peak RSS the sum of them
// (2 threads, chain c=10 e=100k: one heap at 13 pages of payloads, as many
// as both threads' trash at the collection).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "heap_goal.h"
#include "policy.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

size_t SaturatingAdd(size_t a, size_t b) {
  return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

// The deciding thread's part of `goal`: its share of the allowance past its
// own baseline (TriggerSnapshot::thread_shares > 1).
HeapGoal ThreadGoal(const HeapGoal& goal, const TriggerSnapshot& s) {
  HeapGoal own = goal;
  own.allowance = goal.allowance / s.thread_shares;
  own.bytes = SaturatingAdd(s.thread_at_last, own.allowance);
  return own;
}

// How far `now` is past `goal`, in units of `unit` (0 at or under it).
double PastIn(size_t now, size_t goal, size_t unit) {
  if (now <= goal || unit == 0) return 0;
  return static_cast<double>(now - goal) / static_cast<double>(unit);
}

// The heap goal's default growth over the surviving heap (the row, below);
// the count backstop admits as much growth in objects.
constexpr double kGrowth = 0.50;

constexpr size_t kMinByteStep = 32 * 1024;
constexpr size_t kMaxByteStep = 1024 * 1024;
// Memory checks per goal allowance: at most allowance/16 of overshoot a
// thread, for one O(threads) sum per step.
constexpr size_t kChecksPerAllowance = 16;

class PressurePolicy final : public Policy {
 public:
  PressurePolicy(const Config& c, MemorySource* mem) : config_(c), mem_(mem) {}
  cgc_trigger_kind kind() const override { return CGC_TRIGGER_PRESSURE; }
  // The count backstop: young past kGrowth x the survivors, and never fewer
  // than the threshold.
  size_t gate(size_t long_lived) const override {
    return std::max(
        config_.threshold,
        static_cast<size_t>(static_cast<double>(long_lived) * kGrowth));
  }
  Decision Decide(const TriggerSnapshot& s) const override {
    Decision d;
    if (config_.threshold == 0) return d;
    d.estimate_now = EstimateNow();
    HeapGoal goal = ComputeHeapGoal(s.estimate_at_last, config_);
    size_t young = s.young + s.deferred_young;
    if (PastGoalAsksToCollect(goal, d.estimate_now, young, s.long_lived)) {
      d.verdict = Decision::kCollect;
      d.reason = goal.reason;
      return d;
    }
    if (s.thread_shares > 1) {
      d.thread_estimate_now = ThreadEstimateNow();
      if (PastGoalAsksToCollect(ThreadGoal(goal, s), d.thread_estimate_now,
                                young, s.long_lived)) {
        d.verdict = Decision::kCollect;
        d.reason = goal.reason;
        return d;
      }
    }
    if (young > gate(s.long_lived)) {
      d.verdict = Decision::kCollect;
      d.reason = CGC_REASON_COUNT_BACKSTOP;
    }
    return d;
  }
  bool BaselineFollowsDrops() const override { return true; }
  bool SharesGoalPerThread() const override { return true; }
  size_t ThreadEstimateNow() const override {
    return mem_->ThreadFullPageBytes();
  }
  bool BaselineExcludesNewAllocation() const override { return true; }
  size_t EstimateNow() const override {
    return mem_->FullPageBytes() + mem_->ExternalBytes();
  }
  size_t ByteCheckStep(size_t estimate_at_last) const override {
    if (config_.threshold == 0) return 0;
    return std::clamp(ComputeHeapGoal(estimate_at_last, config_).allowance /
                          kChecksPerAllowance,
                      kMinByteStep, kMaxByteStep);
  }
  // Past the goal over the sum, or past this thread's share of it, whichever
  // is further: a thread that ran through its share while another thread's
  // collection runs is held as one that ran the sum past the goal.
  double AllowancesPastGoal(const TriggerSnapshot& s) const override {
    HeapGoal goal = ComputeHeapGoal(s.estimate_at_last, config_);
    if (goal.allowance == 0) return 0;
    double past = PastIn(EstimateNow(), goal.bytes, goal.allowance);
    if (s.thread_shares > 1) {
      const HeapGoal own = ThreadGoal(goal, s);
      past =
          std::max(past, PastIn(ThreadEstimateNow(), own.bytes, own.allowance));
    }
    return past;
  }

 private:
  Config config_;
  MemorySource* mem_;
};

}  // namespace

std::unique_ptr<Policy> MakePressurePolicy(const Config& config,
                                           MemorySource* mem) {
  return std::make_unique<PressurePolicy>(config, mem);
}

// The row. Memory starts collections, so the goal sets how often: 50% of the
// surviving heap bounds the trash a collection leaves to half the live set,
// and the 2 MiB floor keeps a small heap from collecting on every page (4 MiB,
// Go's minimum heap, cost peak RSS: docs/configuration.md).
template <>
const PolicyInfo& PolicyRow<CGC_TRIGGER_PRESSURE>() {
  static constexpr PolicyInfo kRow{CGC_TRIGGER_PRESSURE, "pressure", 2 * kMiB,
                                   kGrowth, &MakePressurePolicy};
  return kRow;
}

}  // namespace cyclegc::internal
