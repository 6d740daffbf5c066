// The pressure policy's rule, driven by an injected memory source: growth
// past the goal starts a collection, the floor keeps small heaps from
// collecting constantly, the count backstop catches trash that holds little
// memory, and both the goal and the backstop grow with the surviving heap.
#include <memory>

#include "config.h"
#include "fake_memory_source.h"
#include "gtest/gtest.h"
#include "heap_goal.h"
#include "policy.h"

namespace cyclegc::internal {
namespace {

constexpr size_t K = 1024;
constexpr size_t M = 1024 * 1024;

Config PressureConfig() {
  Config c;
  c.trigger = CGC_TRIGGER_PRESSURE;
  c.threshold = 2000;
  c.defer_cap = 40;  // a deferral cap: not the backstop's business
  return c;          // growth and floor: the policy's own (50%, 2 MiB)
}

TriggerSnapshot Snap(size_t young, size_t long_lived, size_t last) {
  TriggerSnapshot s;
  s.young = young;
  s.long_lived = long_lived;
  s.estimate_at_last = last;
  return s;
}

class PressurePolicyTest : public testing::Test {
 protected:
  Decision DecideAt(size_t full_pages, const TriggerSnapshot& s) {
    mem_.full_page_bytes = full_pages;
    return policy_->Decide(s);
  }
  FakeMemorySource mem_;
  Config config_ = PressureConfig();
  std::unique_ptr<Policy> policy_ = MakePressurePolicy(config_, &mem_);
};

TEST_F(PressurePolicyTest, IsTheDefaultWithItsOwnGrowthAndFloor) {
  Config defaults;
  EXPECT_EQ(defaults.trigger, CGC_TRIGGER_PRESSURE);
  EXPECT_EQ(MemGrowth(config_), 0.5);
  EXPECT_EQ(MemMinFloor(config_), 2 * M);
  EXPECT_EQ(policy_->kind(), CGC_TRIGGER_PRESSURE);
  EXPECT_TRUE(policy_->BaselineFollowsDrops());
}

TEST_F(PressurePolicyTest, GrowthPastTheGoalStartsACollectionWithFewObjects) {
  // 100 MiB survived: the goal is 150 MiB, whatever the young count.
  Decision d = DecideAt(150 * M, Snap(10, 5000, 100 * M));
  EXPECT_EQ(d.verdict, Decision::kNotYet);
  d = DecideAt(150 * M + 1, Snap(10, 5000, 100 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_HEAP_GOAL);
  EXPECT_EQ(d.estimate_now, 150 * M + 1);
}

TEST_F(PressurePolicyTest, EachThreadKeepsToItsShareOfTheAllowance) {
  // 100 MiB survived: a 50 MiB allowance, 25 MiB a thread with 2 threads.
  TriggerSnapshot s = Snap(10, 5000, 100 * M);
  s.thread_shares = 2;
  s.thread_at_last = 40 * M;
  FakeMemorySource::t_thread_full_page_bytes = 65 * M;
  Decision d = DecideAt(120 * M, s);  // the sum is under its goal
  EXPECT_EQ(d.verdict, Decision::kNotYet);
  EXPECT_EQ(d.thread_estimate_now, 65 * M);
  FakeMemorySource::t_thread_full_page_bytes = 65 * M + 1;
  d = DecideAt(120 * M, s);
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_HEAP_GOAL);
  // One thread: the goal over the sum is the whole rule.
  s.thread_shares = 1;
  d = DecideAt(120 * M, s);
  EXPECT_EQ(d.verdict, Decision::kNotYet);
  EXPECT_EQ(d.thread_estimate_now, 0u);
  FakeMemorySource::t_thread_full_page_bytes = 0;
}

TEST_F(PressurePolicyTest, FloorKeepsASmallHeapFromCollecting) {
  // 1 MiB survived: 50% would be 512 KiB, the 2 MiB floor rules.
  EXPECT_EQ(DecideAt(3 * M, Snap(1000, 100, 1 * M)).verdict, Decision::kNotYet);
  EXPECT_EQ(DecideAt(3 * M + 1, Snap(1000, 100, 1 * M)).verdict,
            Decision::kCollect);
}

TEST_F(PressurePolicyTest, CountBackstopCatchesTrashThatHoldsLittleMemory) {
  // Memory flat: nothing before the backstop, then a collection for it.
  EXPECT_EQ(policy_->gate(0), 2000u);
  EXPECT_EQ(DecideAt(1 * M, Snap(2000, 0, 1 * M)).verdict, Decision::kNotYet);
  Decision d = DecideAt(1 * M, Snap(2001, 0, 1 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_COUNT_BACKSTOP);
}

TEST_F(PressurePolicyTest, BackstopGrowsWithTheSurvivors) {
  // A live heap of a million objects: the backstop waits for half as many
  // young (the growth the memory goal admits), so the count-driven work
  // stays linear in allocation.
  EXPECT_EQ(policy_->gate(1000000), 500000u);
  EXPECT_EQ(DecideAt(0, Snap(500000, 1000000, 0)).verdict, Decision::kNotYet);
  EXPECT_EQ(DecideAt(0, Snap(500001, 1000000, 0)).verdict, Decision::kCollect);
  // Below twice the threshold of survivors, the threshold rules.
  EXPECT_EQ(policy_->gate(3999), 2000u);
  EXPECT_EQ(policy_->gate(4002), 2001u);
}

TEST_F(PressurePolicyTest, NeverDefers) {
  for (size_t young : {0u, 3000u, 100000u}) {
    for (size_t fp : {0u, 1u << 20, 1u << 30}) {
      EXPECT_NE(DecideAt(fp, Snap(young, 0, 64 * M)).verdict, Decision::kDefer);
    }
  }
}

TEST_F(PressurePolicyTest, PacedByTheLiveHeap) {
  // Bytes between collections grow with the heap that survived: a larger
  // live heap (more work per collection) collects proportionally less often.
  auto allowance = [&](size_t last) {
    return ComputeHeapGoal(last, config_).bytes - last;
  };
  EXPECT_EQ(allowance(0), 2 * M);
  EXPECT_EQ(allowance(4 * M), 2 * M);
  EXPECT_EQ(allowance(64 * M), 32 * M);
  EXPECT_EQ(allowance(1024 * M), 512 * M);
}

TEST_F(PressurePolicyTest, ByteStepIsAFractionOfTheAllowance) {
  EXPECT_EQ(policy_->ByteCheckStep(0), 128 * K);     // 2 MiB / 16
  EXPECT_EQ(policy_->ByteCheckStep(64 * M), 1 * M);  // capped
  Config off = PressureConfig();
  off.threshold = 0;
  EXPECT_EQ(MakePressurePolicy(off, &mem_)->ByteCheckStep(0), 0u);
  // Count-driven policies take no byte checks.
  for (cgc_trigger_kind k : {CGC_TRIGGER_FULLPAGES, CGC_TRIGGER_RSS,
                             CGC_TRIGGER_COUNT, CGC_TRIGGER_PACED}) {
    Config c = PressureConfig();
    c.trigger = k;
    EXPECT_EQ(MakePolicy(c, &mem_)->ByteCheckStep(0), 0u) << k;
  }
}

TEST_F(PressurePolicyTest, ExternalPressureCounts) {
  mem_.external = 2 * M;
  EXPECT_EQ(DecideAt(1 * M, Snap(10, 0, 1 * M)).verdict, Decision::kNotYet);
  EXPECT_EQ(DecideAt(1 * M + 1, Snap(10, 0, 1 * M)).verdict,
            Decision::kCollect);
}

TEST_F(PressurePolicyTest, SoftLimitNeedsYoungWorkWhenTheHeapIsOverIt) {
  config_.memory_limit = 10 * M;
  policy_ = MakePressurePolicy(config_, &mem_);
  // 20 MiB survived, over the 10 MiB limit: the goal is last + floor, and a
  // collection needs young >= long_lived / 4.
  EXPECT_EQ(DecideAt(25 * M, Snap(100, 4000, 20 * M)).verdict,
            Decision::kNotYet);
  Decision d = DecideAt(25 * M, Snap(1000, 4000, 20 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_MEMORY_LIMIT);
}

TEST_F(PressurePolicyTest, PastGoalIsCountedInAllowances) {
  mem_.full_page_bytes = 2 * M;  // goal 2 MiB over 0, allowance 2 MiB
  EXPECT_EQ(policy_->AllowancesPastGoal(Snap(0, 0, 0)), 0.0);
  mem_.full_page_bytes = 4 * M;
  EXPECT_EQ(policy_->AllowancesPastGoal(Snap(0, 0, 0)), 1.0);
  mem_.full_page_bytes = 9 * M;
  EXPECT_EQ(policy_->AllowancesPastGoal(Snap(0, 0, 0)), 3.5);
}

}  // namespace
}  // namespace cyclegc::internal
