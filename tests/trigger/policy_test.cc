// Each policy's decision, driven by an injected memory source.
#include "policy.h"

#include <memory>
#include <set>
#include <span>
#include <string>

#include "config.h"
#include "fake_memory_source.h"
#include "gtest/gtest.h"
#include "heap_goal.h"
#include "policy_paced.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

constexpr size_t K = 1024;
constexpr size_t M = 1024 * 1024;

Config BaseConfig(cgc_trigger_kind kind) {
  Config c;
  c.trigger = kind;
  c.threshold = 1000;
  c.mem_growth = 0.10;
  c.mem_min = 128 * K;
  c.defer_cap = 40;
  return c;
}

TriggerSnapshot Snap(size_t young, size_t deferred = 0, size_t long_lived = 0,
                     size_t last = 0) {
  TriggerSnapshot s;
  s.young = young;
  s.deferred_young = deferred;
  s.long_lived = long_lived;
  s.estimate_at_last = last;
  return s;
}

// ---- shared rules -----------------------------------------------------------

TEST(Rules, GrowthIsStrictlyMoreThanMaxOfFractionAndFloor) {
  using policy_rules::GrewEnough;
  // last 10M: 10% = 1M dominates the 128K floor.
  EXPECT_FALSE(GrewEnough(11 * M, 10 * M, 0.10, 128 * K));
  EXPECT_TRUE(GrewEnough(11 * M + 1, 10 * M, 0.10, 128 * K));
  // last 100K: the floor (128K) dominates 10K.
  EXPECT_FALSE(GrewEnough(100 * K + 128 * K, 100 * K, 0.10, 128 * K));
  EXPECT_TRUE(GrewEnough(100 * K + 128 * K + 1, 100 * K, 0.10, 128 * K));
  // Shrinking never counts as growth.
  EXPECT_FALSE(GrewEnough(1 * M, 10 * M, 0.10, 0));
}

TEST(Rules, CountGateMatchesCountRule) {
  for (size_t threshold : {1u, 10u, 1000u}) {
    for (size_t long_lived : {0u, 3u, 4u, 5u, 4000u, 4003u, 100000u}) {
      size_t gate = policy_rules::CountRuleGate(threshold, long_lived);
      for (size_t young = 0; young < 30000; young += 7) {
        EXPECT_EQ(young > gate, policy_rules::CountRulePasses(
                                    Snap(young, 0, long_lived), threshold))
            << threshold << " " << long_lived << " " << young;
      }
    }
  }
}

// ---- count ------------------------------------------------------------------

TEST(CountPolicy, CollectsOnlyPastThreshold) {
  auto p = MakeCountPolicy(BaseConfig(CGC_TRIGGER_COUNT));
  EXPECT_EQ(p->Decide(Snap(1000)).verdict, Decision::kNotYet);
  Decision d = p->Decide(Snap(1001));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_THRESHOLD);
}

TEST(CountPolicy, LongLivedRuleWaitsForAQuarterOfSurvivors) {
  auto p = MakeCountPolicy(BaseConfig(CGC_TRIGGER_COUNT));
  // 100000 survivors: young must reach 25000.
  EXPECT_EQ(p->Decide(Snap(24999, 0, 100000)).verdict, Decision::kNotYet);
  EXPECT_EQ(p->Decide(Snap(25000, 0, 100000)).verdict, Decision::kCollect);
  EXPECT_EQ(p->gate(100000), 24999u);
  EXPECT_EQ(p->gate(0), 1000u);
}

TEST(CountPolicy, ThresholdZeroNeverCollects) {
  Config c = BaseConfig(CGC_TRIGGER_COUNT);
  c.threshold = 0;
  auto p = MakeCountPolicy(c);
  EXPECT_EQ(p->Decide(Snap(1000000)).verdict, Decision::kNotYet);
}

// ---- rss (CPython 3.14t)
// -------------------------------------------------------

TEST(RssPolicy, NoRssReadBelowThresholdOrLongLivedRule) {
  FakeMemorySource mem;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  p->Decide(Snap(1000));
  p->Decide(Snap(5000, 0, 40000));  // 5000 < 40000 / 4
  EXPECT_EQ(mem.rss_reads, 0);
  EXPECT_EQ(mem.full_page_reads, 0);
}

TEST(RssPolicy, DefersWhileRssDoesNotGrow) {
  FakeMemorySource mem;
  mem.rss = 50 * M;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  Decision d = p->Decide(Snap(1001, 0, 0, 50 * M));
  EXPECT_EQ(d.verdict, Decision::kDefer);
  EXPECT_EQ(d.estimate_now, 50 * M);
  EXPECT_EQ(mem.rss_reads, 1);
}

TEST(RssPolicy, CollectsOnGrowthBeyondTenPercent) {
  FakeMemorySource mem;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  mem.rss = 55 * M;  // +10% exactly: not more
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 50 * M)).verdict, Decision::kDefer);
  mem.rss = 55 * M + 1;
  Decision d = p->Decide(Snap(1001, 0, 0, 50 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_MEMORY_GROWTH);
  EXPECT_EQ(d.estimate_now, 55 * M + 1);
}

TEST(RssPolicy, FloorAppliesToSmallProcesses) {
  FakeMemorySource mem;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  mem.rss = 1 * M + 128 * K;  // 10% of 1M = ~102K < floor 128K
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 1 * M)).verdict, Decision::kDefer);
  mem.rss = 1 * M + 128 * K + 1;
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 1 * M)).verdict, Decision::kCollect);
}

TEST(RssPolicy, DeferralCapCollectsAnyway) {
  FakeMemorySource mem;
  mem.rss = 50 * M;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  // cap = 40 x 1000: strictly more than 40000 deferred.
  EXPECT_EQ(p->Decide(Snap(1001, 40000, 0, 50 * M)).verdict, Decision::kDefer);
  Decision d = p->Decide(Snap(1001, 40001, 0, 50 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_DEFER_CAP);
}

TEST(RssPolicy, UnreadableRssCollects) {
  FakeMemorySource mem;
  mem.rss_fails = true;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 50 * M)).verdict, Decision::kCollect);
}

TEST(RssPolicy, IgnoresFullPageBytes) {
  FakeMemorySource mem;
  mem.rss = 50 * M;
  mem.full_page_bytes = 500 * M;  // trash the allocator knows about
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 50 * M)).verdict, Decision::kDefer);
  EXPECT_EQ(p->EstimateNow(), 50 * M);
}

// ---- fullpages --------------------------------------------------------------

TEST(FullPagesPolicy, SameRuleOnFullPageBytesWithoutRssRead) {
  FakeMemorySource mem;
  mem.rss = 500 * M;  // RSS is irrelevant here
  auto p = MakeFullPagesPolicy(BaseConfig(CGC_TRIGGER_FULLPAGES), &mem);
  mem.full_page_bytes = 20 * M;
  EXPECT_EQ(p->Decide(Snap(1000, 0, 0, 20 * M)).verdict, Decision::kNotYet);
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 20 * M)).verdict, Decision::kDefer);
  mem.full_page_bytes = 22 * M + 1;
  Decision d = p->Decide(Snap(1001, 0, 0, 20 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_MEMORY_GROWTH);
  EXPECT_EQ(d.estimate_now, 22 * M + 1);
  EXPECT_EQ(mem.rss_reads, 0);
}

// The default floor: one small page for fullpages, CPython's 128K for rss.
TEST(FullPagesPolicy, AutoFloorIsOneSmallPageAndRssKeeps128K) {
  FakeMemorySource mem;
  Config fp = BaseConfig(CGC_TRIGGER_FULLPAGES);
  fp.mem_min = CGC_MEM_MIN_AUTO;
  auto p = MakeFullPagesPolicy(fp, &mem);
  mem.full_page_bytes = 100 * K + 64 * K;  // 10% of 100K is below the floor
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 100 * K)).verdict, Decision::kDefer);
  mem.full_page_bytes = 100 * K + 64 * K + 1;
  EXPECT_EQ(p->Decide(Snap(1001, 0, 0, 100 * K)).verdict, Decision::kCollect);

  Config rss = BaseConfig(CGC_TRIGGER_RSS);
  rss.mem_min = CGC_MEM_MIN_AUTO;
  auto r = MakeRssPolicy(rss, &mem);
  mem.rss = 100 * K + 128 * K;
  EXPECT_EQ(r->Decide(Snap(1001, 0, 0, 100 * K)).verdict, Decision::kDefer);
  mem.rss = 100 * K + 128 * K + 1;
  EXPECT_EQ(r->Decide(Snap(1001, 0, 0, 100 * K)).verdict, Decision::kCollect);
}

TEST(FullPagesPolicy, FloorDeferralCapAndLongLived) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_FULLPAGES);
  c.mem_min = 4 * M;
  c.defer_cap = 2;
  auto p = MakeFullPagesPolicy(c, &mem);
  mem.full_page_bytes = 4 * M;  // from 0: not more than the 4M floor
  EXPECT_EQ(p->Decide(Snap(1001)).verdict, Decision::kDefer);
  mem.full_page_bytes = 4 * M + 1;
  EXPECT_EQ(p->Decide(Snap(1001)).verdict, Decision::kCollect);
  mem.full_page_bytes = 0;
  EXPECT_EQ(p->Decide(Snap(1001, 2001)).reason, CGC_REASON_DEFER_CAP);
  EXPECT_EQ(p->Decide(Snap(1001, 2001, 8000)).verdict, Decision::kNotYet);
}

TEST(FullPagesPolicy, YoungCountedBeforeTheBaselineIsJudgedByCountAlone) {
  FakeMemorySource mem;
  auto p = MakeFullPagesPolicy(BaseConfig(CGC_TRIGGER_FULLPAGES), &mem);
  mem.full_page_bytes = 20 * M;  // flat since the baseline
  // threshold 1000: the test must see more than 1000 young after the
  // baseline, and at most 1000 may predate it.
  TriggerSnapshot s = Snap(2100, 0, 0, 20 * M);
  s.young_before_estimate = 1000;  // 1100 seen after it: judged by memory
  EXPECT_EQ(p->Decide(s).verdict, Decision::kDefer);
  s.young_before_estimate = 1100;  // 1000 seen: too few to judge
  Decision d = p->Decide(s);
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(d.estimate_now, 20 * M);
  s.young = 1600;  // over the threshold, but only 500 seen
  EXPECT_EQ(p->Decide(s).verdict, Decision::kCollect);
  s.young = 3200;  // 2100 seen, but more than a threshold predates it
  s.young_before_estimate = 1100;
  EXPECT_EQ(p->Decide(s).verdict, Decision::kCollect);
  s.young_before_estimate = 1000;  // 2200 seen, 1000 before: judged
  EXPECT_EQ(p->Decide(s).verdict, Decision::kDefer);
  // The count rule still comes first.
  s.young = 1600;
  s.long_lived = 8000;
  EXPECT_EQ(p->Decide(s).verdict, Decision::kNotYet);
}

TEST(RssPolicy, StaysFaithfulToCPythonAboutTheBaseline) {
  FakeMemorySource mem;
  auto p = MakeRssPolicy(BaseConfig(CGC_TRIGGER_RSS), &mem);
  mem.rss = 20 * M;
  TriggerSnapshot s = Snap(1500, 0, 0, 20 * M);
  s.young_before_estimate = 1500;
  EXPECT_EQ(p->Decide(s).verdict, Decision::kDefer);
  EXPECT_FALSE(p->BaselineFollowsDrops());
  EXPECT_FALSE(
      MakeCountPolicy(BaseConfig(CGC_TRIGGER_COUNT))->BaselineFollowsDrops());
  EXPECT_TRUE(MakeFullPagesPolicy(BaseConfig(CGC_TRIGGER_FULLPAGES), &mem)
                  ->BaselineFollowsDrops());
  EXPECT_TRUE(MakePacedPolicy(BaseConfig(CGC_TRIGGER_PACED), &mem)
                  ->BaselineFollowsDrops());
}

// ---- paced ------------------------------------------------------------------

TEST(HeapGoal, GrowsWithTheHeapAboveTheFloor) {
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;  // GOGC=100
  c.mem_min = 4 * M;
  EXPECT_EQ(ComputeHeapGoal(0, c).bytes, 4 * M);
  EXPECT_EQ(ComputeHeapGoal(1 * M, c).bytes, 5 * M);
  EXPECT_EQ(ComputeHeapGoal(100 * M, c).bytes, 200 * M);
  EXPECT_EQ(ComputeHeapGoal(100 * M, c).reason, CGC_REASON_HEAP_GOAL);
  c.mem_min = CGC_MEM_MIN_AUTO;  // paced's own floor: 128K
  EXPECT_EQ(ComputeHeapGoal(0, c).bytes, 128 * K);
}

TEST(HeapGoal, SoftLimitShrinksHeadroomAsItNears) {
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;
  c.mem_min = 1 * M;
  c.memory_limit = 512 * M;
  // Far from the limit: the heap goal binds.
  EXPECT_EQ(ComputeHeapGoal(100 * M, c).bytes, 200 * M);
  EXPECT_EQ(ComputeHeapGoal(100 * M, c).reason, CGC_REASON_HEAP_GOAL);
  // Nearer: half the remaining headroom, less and less.
  size_t prev_headroom = SIZE_MAX;
  for (size_t last : {200 * M, 300 * M, 400 * M, 480 * M, 510 * M}) {
    HeapGoal g = ComputeHeapGoal(last, c);
    EXPECT_EQ(g.reason, CGC_REASON_MEMORY_LIMIT) << last;
    EXPECT_LE(g.bytes, 512 * M) << last;
    size_t headroom = g.bytes - last;
    EXPECT_LT(headroom, prev_headroom) << last;
    prev_headroom = headroom;
  }
  EXPECT_EQ(ComputeHeapGoal(400 * M, c).bytes, 456 * M);
  // Past the limit: the floor keeps collections from running back to back.
  EXPECT_EQ(ComputeHeapGoal(600 * M, c).bytes, 601 * M);
}

TEST(PacedPolicy, CollectsAtHeapGoalRegardlessOfYoungCount) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;
  c.mem_min = 4 * M;
  auto p = MakePacedPolicy(c, &mem);
  EXPECT_EQ(p->gate(123456), 0u);
  mem.full_page_bytes = 20 * M;
  EXPECT_EQ(p->Decide(Snap(256, 0, 0, 10 * M)).verdict, Decision::kNotYet);
  mem.full_page_bytes = 20 * M + 1;
  Decision d = p->Decide(Snap(256, 0, 1000000, 10 * M));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_HEAP_GOAL);
  EXPECT_EQ(d.estimate_now, 20 * M + 1);
}

TEST(PacedPolicy, ExternalPressureCountsTowardTheGoal) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;
  c.mem_min = 4 * M;
  auto p = MakePacedPolicy(c, &mem);
  mem.full_page_bytes = 15 * M;
  EXPECT_EQ(p->Decide(Snap(256, 0, 0, 10 * M)).verdict, Decision::kNotYet);
  mem.external = 6 * M;
  EXPECT_EQ(p->Decide(Snap(256, 0, 0, 10 * M)).verdict, Decision::kCollect);
  EXPECT_EQ(p->EstimateNow(), 21 * M);
}

TEST(PacedPolicy, SoftLimitMakesCollectionsEarlier) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;
  c.mem_min = 1 * M;
  auto unlimited = MakePacedPolicy(c, &mem);
  c.memory_limit = 512 * M;
  auto limited = MakePacedPolicy(c, &mem);
  mem.full_page_bytes = 500 * M;  // last 400M: goals 800M vs 456M
  TriggerSnapshot s = Snap(256, 0, 0, 400 * M);
  EXPECT_EQ(unlimited->Decide(s).verdict, Decision::kNotYet);
  Decision d = limited->Decide(s);
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_MEMORY_LIMIT);
}

TEST(PacedPolicy, LimitCollectionsNeedAQuarterOfSurvivorsAsNewObjects) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_growth = 1.0;
  c.mem_min = 1 * M;
  c.memory_limit = 512 * M;
  auto p = MakePacedPolicy(c, &mem);
  mem.full_page_bytes = 700 * M;  // live heap over the limit (last 600M)
  // 1M survivors: the limit alone does not collect until 250000 new objects.
  EXPECT_EQ(p->Decide(Snap(256, 0, 1000000, 600 * M)).verdict,
            Decision::kNotYet);
  EXPECT_EQ(p->Decide(Snap(100000, 150000, 1000000, 600 * M)).verdict,
            Decision::kCollect);
}

TEST(PacedPolicy, DefersPastThresholdThenCapCollectsAndJudgesHiddenYoung) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.mem_min = 4 * M;
  auto p = MakePacedPolicy(c, &mem);
  mem.full_page_bytes = 1 * M;
  EXPECT_EQ(p->Decide(Snap(1001)).verdict, Decision::kDefer);
  Decision d = p->Decide(Snap(1001, 40001));
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_DEFER_CAP);
  // Young counted before the baseline was read is not deferred blindly.
  TriggerSnapshot s = Snap(2001);
  s.young_before_estimate = 1001;  // only a threshold seen after the baseline
  d = p->Decide(s);
  EXPECT_EQ(d.verdict, Decision::kCollect);
  EXPECT_EQ(d.reason, CGC_REASON_THRESHOLD);
  s.young_before_estimate = 1000;
  EXPECT_EQ(p->Decide(s).verdict, Decision::kDefer);
}

TEST(PacedPolicy, SpacesGoalChecksBelowTheThreshold) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);  // threshold 1000
  auto p = MakePacedPolicy(c, &mem);
  EXPECT_EQ(PacedCheckInterval(1000), 500u);
  EXPECT_EQ(PacedCheckInterval(100000), 1024u);
  EXPECT_EQ(PacedCheckInterval(1), 1u);
  Decision d = p->Decide(Snap(256));
  EXPECT_EQ(d.verdict, Decision::kNotYet);
  EXPECT_EQ(d.recheck_above, 756u);
  // Never past the point where the count rule passes.
  EXPECT_EQ(p->Decide(Snap(800)).recheck_above, 1000u);
  // After a deferral young restarts from zero.
  EXPECT_EQ(p->Decide(Snap(1001)).recheck_above, 500u);
}

TEST(PacedPolicy, ThresholdZeroNeverCollects) {
  FakeMemorySource mem;
  Config c = BaseConfig(CGC_TRIGGER_PACED);
  c.threshold = 0;
  auto p = MakePacedPolicy(c, &mem);
  mem.full_page_bytes = 1000 * M;
  EXPECT_EQ(p->Decide(Snap(1000000)).verdict, Decision::kNotYet);
}

TEST(MakePolicy, BuildsTheConfiguredKind) {
  FakeMemorySource mem;
  for (int i = 0; i < CGC_TRIGGER_KIND_END; ++i) {
    const auto k = static_cast<cgc_trigger_kind>(i);
    EXPECT_EQ(MakePolicy(BaseConfig(k), &mem)->kind(), k);
  }
}

// Each policy file defines its own row: one per kind, in enum order.
TEST(PolicyTable, EveryKindHasItsOwnRow) {
  std::span<const PolicyInfo> rows = Policies();
  ASSERT_EQ(rows.size(), static_cast<size_t>(CGC_TRIGGER_KIND_END));
  std::set<std::string> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(rows[i].kind), i);
    EXPECT_EQ(FindPolicy(static_cast<int>(i)), &rows[i]);
    EXPECT_TRUE(names.insert(rows[i].name).second) << rows[i].name;
  }
  EXPECT_EQ(FindPolicy(-1), nullptr);
  EXPECT_EQ(FindPolicy(CGC_TRIGGER_KIND_END), nullptr);
}

}  // namespace
}  // namespace cyclegc::internal
