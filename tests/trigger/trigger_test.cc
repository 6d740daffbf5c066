// The trigger as the runtime drives it (OnYoungBatch) with an injected memory
// source and an injected collect function, so no real collection runs.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "trigger_fixture.h"

namespace cyclegc::internal {
namespace {

TEST_F(TriggerTest, CountCollectsOnceYoungPassesThreshold) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  Batches(3);  // 768
  EXPECT_EQ(fake_.calls, 0);
  Batches(1);  // 1024 > 1000
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(fake_.last_figures.young, 1024u);
  EXPECT_EQ(GetTriggerCounters().young, 0u);  // reset by the collection
  EXPECT_EQ(GetTriggerCounters().triggered, 1u);
}

TEST_F(TriggerTest, DeallocationsSubtractAndNeverTrigger) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  Batches(3);
  OnYoungBatch(-256);
  Batches(1);  // 768: still under
  EXPECT_EQ(fake_.calls, 0);
  OnYoungBatch(-5000);  // clamped at zero
  EXPECT_EQ(GetTriggerCounters().young, 0u);
  Batches(3);
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(TriggerTest, LongLivedSurvivorsRaiseTheBar) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  fake_.survivors = 40000;  // next collection needs young >= 10000
  Batches(4);
  ASSERT_EQ(fake_.calls, 1);
  Batches(39);  // 9984
  EXPECT_EQ(fake_.calls, 1);
  Batches(1);  // 10240
  EXPECT_EQ(fake_.calls, 2);
}

TEST_F(TriggerTest, DisableAndThresholdZeroStopAutomaticCollection) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  cgc_disable();
  EXPECT_EQ(cgc_is_enabled(), 0);
  Batches(100);
  EXPECT_EQ(fake_.calls, 0);
  EXPECT_EQ(GetTriggerCounters().young, 25600u);  // still counted
  cgc_enable();
  EXPECT_EQ(cgc_is_enabled(), 1);
  Batches(1);
  EXPECT_EQ(fake_.calls, 1);

  TriggerShutdown();
  Init(Cfg(CGC_TRIGGER_COUNT, 0));
  Batches(1000);
  EXPECT_EQ(fake_.calls, 1);
}

TEST_F(TriggerTest, FullPagesDefersWhileMemoryFlatThenCapCollects) {
  Config c = Cfg(CGC_TRIGGER_FULLPAGES);
  c.defer_cap = 4;  // collect once deferred young > 4000
  Init(c);
  mem_.full_page_bytes = 0;  // nothing grows
  Batches(4);                // 1024 > 1000 -> defer 1024
  EXPECT_EQ(fake_.calls, 0);
  EXPECT_EQ(GetTriggerCounters().deferrals, 1u);
  EXPECT_EQ(GetTriggerCounters().deferred_young, 1024u);
  EXPECT_EQ(GetTriggerCounters().young, 0u);
  Batches(12);  // three more deferrals: deferred 4096
  EXPECT_EQ(GetTriggerCounters().deferrals, 4u);
  EXPECT_EQ(fake_.calls, 0);
  Batches(4);  // deferred 4096 > 4000: the cap
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_DEFER_CAP);
  EXPECT_EQ(fake_.last_figures.deferred_young, 4096u);
  EXPECT_EQ(fake_.last_figures.young, 1024u);
  EXPECT_EQ(GetTriggerCounters().deferred_young, 0u);

  cgc_stats stats{};
  TriggerFillStats(&stats);
  EXPECT_EQ(stats.collections_deferred, 4u);
  EXPECT_EQ(stats.trigger, CGC_TRIGGER_FULLPAGES);
  EXPECT_STREQ(stats.trigger_name, "fullpages");
}

TEST_F(TriggerTest, FullPagesCollectsOnGrowthAndRecordsEstimateAfter) {
  Init(Cfg(CGC_TRIGGER_FULLPAGES));
  mem_.full_page_bytes = 10 * M;
  fake_.set_fpb_after = true;
  fake_.fpb_after = 3 * M;
  Batches(4);  // 10M over 0: growth
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_MEMORY_GROWTH);
  EXPECT_EQ(fake_.last_figures.estimate_now, 10 * M);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 0u);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 3 * M);

  mem_.full_page_bytes = 3 * M + 200 * 1024;  // +200K: under 10% of 3M
  Batches(4);
  EXPECT_EQ(fake_.calls, 1);
  mem_.full_page_bytes = 3 * M + 400 * 1024;  // +400K: over 10%
  Batches(4);
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 3 * M);

  cgc_stats stats{};
  TriggerFillStats(&stats);
  EXPECT_EQ(stats.full_page_bytes_after, 3 * M);
  EXPECT_EQ(stats.full_page_bytes, 3 * M);
}

// Right after a collection the estimate still holds garbage whose owners have
// not freed it yet; the baseline follows the reading down once they have.
TEST_F(TriggerTest, FullPagesBaselineFollowsTheSettledHeap) {
  Init(Cfg(CGC_TRIGGER_FULLPAGES));
  mem_.full_page_bytes = 10 * M;
  fake_.set_fpb_after = true;
  fake_.fpb_after = 10 * M;  // nothing freed yet when the collection ends
  Batches(4);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 10 * M);
  mem_.full_page_bytes = 4 * M;  // the owners freed their garbage
  Batches(1);                    // this thread's first batch since: settles
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 4 * M);
  mem_.full_page_bytes = 4 * M;  // flat since the settled reading
  fake_.fpb_after = 4 * M;
  Batches(3);  // young 1024, 768 after the lower baseline: count decides
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 4 * M);
  EXPECT_EQ(GetTriggerCounters().deferrals, 0u);
  // Judged against the settled baseline once the test saw a threshold.
  Batches(4);  // the third check: +0 over 4M, 1024 young all seen: deferred
  EXPECT_EQ(fake_.calls, 2);
  EXPECT_EQ(GetTriggerCounters().deferrals, 1u);
  mem_.full_page_bytes = 4 * M + 500 * 1024;  // +500K: over 10% of 4M
  Batches(4);
  ASSERT_EQ(fake_.calls, 3);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_MEMORY_GROWTH);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 4 * M);
}

// A decision that finds memory below the baseline learns the baseline was
// read before garbage was freed: every young object counted so far is inside
// the lower reading, so the count rule decides (not a blind deferral).
TEST_F(TriggerTest, FullPagesDropBelowTheBaselineRedecidesByCount) {
  ASSERT_NO_FATAL_FAILURE(FullPagesSettledBeforeTheFrees());
  mem_.full_page_bytes = 6 * M;  // the owners free their garbage late
  Batches(1);                    // young 1024: 6M < 10M
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 6 * M);
  EXPECT_EQ(GetTriggerCounters().deferrals, 0u);
}

// The same drop, but another thread's settle lowers the baseline between this
// decision's snapshot and its reading: the snapshot is stale all the same, so
// the count rule decides (it used to defer: the lowering was not its own).
TEST_F(TriggerTest, FullPagesRedecidesWhenAnotherThreadLoweredTheBaseline) {
  ASSERT_NO_FATAL_FAILURE(FullPagesSettledBeforeTheFrees());
  bool fired = false;
  mem_.on_full_page_read = [&] {
    if (fired) return;
    fired = true;
    // Another thread, first batch since the collection: it settles on the
    // freed heap. Automatic collection is off meanwhile so that it only
    // settles and does not decide itself.
    mem_.full_page_bytes = 6 * M;
    cgc_disable();
    std::thread other([] { OnYoungBatch(1); });
    other.join();
    cgc_enable();
    EXPECT_EQ(GetTriggerCounters().estimate_at_last, 6 * M);
  };
  Batches(1);  // young 1024: decides; its reading (6M) is below its snapshot
  mem_.on_full_page_read = nullptr;
  ASSERT_TRUE(fired);
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(fake_.last_figures.estimate_at_last, 6 * M);
  EXPECT_EQ(GetTriggerCounters().deferrals, 0u);
}

TEST_F(TriggerTest, RssBaselineIsTheReadingAfterTheCollection) {
  Init(Cfg(CGC_TRIGGER_RSS));
  mem_.rss = 10 * M;
  Batches(4);
  ASSERT_EQ(fake_.calls, 1);
  mem_.rss = 4 * M;
  Batches(1);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 10 * M);
  mem_.rss = 4 * M + 500 * 1024;
  Batches(3);
  EXPECT_EQ(fake_.calls, 1);
  EXPECT_EQ(GetTriggerCounters().deferrals, 1u);
}

// Objects allocated while a collection ran (here by its own finalizers) are
// counted as young before the baseline is read: their memory is in it.
TEST_F(TriggerTest, FullPagesCollectsYoungTheBaselineHidesByCount) {
  Init(Cfg(CGC_TRIGGER_FULLPAGES));
  mem_.full_page_bytes = 10 * M;
  fake_.reentrant_batch = 1280;  // more than the threshold
  Batches(4);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(GetTriggerCounters().young, 1280u);
  Batches(1);  // memory flat, but 1280 young predate the baseline
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_THRESHOLD);
  EXPECT_EQ(GetTriggerCounters().deferrals, 0u);

  fake_.reentrant_batch = 512;  // under the threshold
  Batches(1);                   // the 1280 the second collection left
  ASSERT_EQ(fake_.calls, 3);
  EXPECT_EQ(GetTriggerCounters().young, 512u);
  fake_.reentrant_batch = 0;
  Batches(2);  // young 1024, only 512 after the baseline: count decides
  ASSERT_EQ(fake_.calls, 4);
  EXPECT_EQ(GetTriggerCounters().deferrals, 0u);
  Batches(4);  // young 1024, all after the baseline; memory flat: deferred
  EXPECT_EQ(fake_.calls, 4);
  EXPECT_EQ(GetTriggerCounters().deferrals, 1u);
  EXPECT_EQ(GetTriggerCounters().young, 0u);
}

TEST_F(TriggerTest, RssReadsProcessMemoryOnlyPastThreshold) {
  Init(Cfg(CGC_TRIGGER_RSS));
  mem_.rss = 100 * M;
  Batches(3);
  EXPECT_EQ(mem_.rss_reads, 0);
  Batches(1);  // first check: 100M over 0 -> collect; then read after
  EXPECT_EQ(fake_.calls, 1);
  EXPECT_EQ(mem_.rss_reads, 2);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 100 * M);
  mem_.full_page_bytes = 1000 * M;  // trash the rss policy cannot see
  Batches(4);
  EXPECT_EQ(fake_.calls, 1);
  EXPECT_EQ(GetTriggerCounters().deferrals, 1u);
  EXPECT_EQ(mem_.rss_reads, 3);  // one read per threshold, not per batch
  Batches(3);
  EXPECT_EQ(mem_.rss_reads, 3);
}

TEST_F(TriggerTest, PacedChecksTheGoalEveryIntervalBelowThreshold) {
  Config c = Cfg(CGC_TRIGGER_PACED, 100000);
  c.mem_growth = 1.0;
  c.mem_min = 4 * M;
  Init(c);
  mem_.full_page_bytes = 4 * M;
  Batches(1);  // young 256: checked, under the goal
  EXPECT_EQ(fake_.calls, 0);
  EXPECT_EQ(mem_.full_page_reads, 1);
  mem_.full_page_bytes = 4 * M + 1;
  Batches(4);  // young 1280: next check is past 256 + 1024
  EXPECT_EQ(fake_.calls, 0);
  EXPECT_EQ(mem_.full_page_reads, 1);
  Batches(1);  // far below the threshold, but over the goal
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_HEAP_GOAL);
  EXPECT_EQ(fake_.last_figures.estimate_now, 4 * M + 1);
}

TEST_F(TriggerTest, ExternalPressureFeedsThePacedGoal) {
  Config c = Cfg(CGC_TRIGGER_PACED, 100000);
  c.mem_min = 4 * M;
  Init(c);
  mem_.external = 5 * M;
  Batches(1);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_figures.estimate_now, 5 * M);
}

TEST_F(TriggerTest, AllocationInsideACollectionDoesNotRecurse) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  fake_.reentrant_batch = 5000;  // a finalizer allocating a lot
  Batches(4);
  EXPECT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.max_in_flight, 1);
}

TEST_F(TriggerTest, ConcurrentThreadsStartOneCollectionAtATime) {
  Init(Cfg(CGC_TRIGGER_COUNT, 500));
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([] { Batches(2000); });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(fake_.max_in_flight, 1);
  // 8 x 2000 x 256 young; at least one collection per ~2 x 500 allowed
  // through, and never more than one per two batches.
  EXPECT_GT(fake_.calls, 100);
  EXPECT_LE(fake_.calls, kThreads * 2000 / 2);
}

// A thread far ahead of a running collection waits for it, but not forever:
// here it owns the lock the collection's "finalizer" needs.
TEST_F(TriggerTest, HoldIsBoundedWhenTheHeldThreadOwnsALockTheCollectionNeeds) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  std::mutex embedder_lock;
  std::atomic<bool> walked{false};
  fake_.during = [&] {
    walked = true;
    std::lock_guard<std::mutex> finalizer(embedder_lock);
  };
  std::unique_lock<std::mutex> held(embedder_lock);
  std::thread collector([] { Batches(4); });  // young 1024: collects
  while (!walked) std::this_thread::yield();
  Batches(9);  // young 2304 > 2 x gate while it runs: held, then released
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  EXPECT_EQ(GetTriggerCounters().hold_timeouts, 1u);
  Batches(4);  // the same collection does not hold this thread again
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  // Unless its young run away (past 4 x the gate): a collection held up under
  // load must not let it make trash without bound (ConcurrentTrashTest saw
  // 450k for a 2000 threshold).
  Batches(3);  // young 4096
  EXPECT_EQ(GetTriggerCounters().holds, 2u);
  EXPECT_EQ(GetTriggerCounters().hold_timeouts, 2u);
  held.unlock();
  collector.join();
  EXPECT_EQ(fake_.calls, 1);
}

// Without a lock in the way, the held thread waits for the end, then decides.
TEST_F(TriggerTest, HeldThreadWaitsForTheRunningCollectionThenDecides) {
  Init(Cfg(CGC_TRIGGER_COUNT));
  std::atomic<bool> walked{false};
  std::atomic<bool> release{false};
  fake_.during = [&] {
    walked = true;
    while (!release) std::this_thread::yield();
  };
  std::thread collector([] { Batches(4); });
  while (!walked) std::this_thread::yield();
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    release = true;
  });
  Batches(9);  // held until the collection ends; then young 2304 collects
  releaser.join();
  collector.join();
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  EXPECT_EQ(GetTriggerCounters().hold_timeouts, 0u);
  EXPECT_EQ(fake_.calls, 2);
}

TEST_F(TriggerTest, NothingHappensBeforeInit) {
  TriggerShutdown();
  g_fake = &fake_;
  Batches(100);
  EXPECT_EQ(fake_.calls, 0);
}

}  // namespace
}  // namespace cyclegc::internal
