// The memory-driven policies as the trigger runs them: pressure decides on
// the allocation path's byte checks, and paced's gate and hold follow its
// count rule, not its goal-check interval.
#include <atomic>
#include <cstdint>
#include <thread>

#include "allocation_meter.h"
#include "trigger_fixture.h"

namespace cyclegc::internal {
namespace {

constexpr size_t K = 1024;

size_t ByteStep() { return g_byte_check_step.load(); }

TEST_F(TriggerTest, PressureCollectsOnBytesWithoutYoungObjects) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));
  EXPECT_EQ(ByteStep(), 128 * K);  // 2 MiB floor / 16
  mem_.full_page_bytes = 2 * M;
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 0);
  mem_.full_page_bytes = 2 * M + 1;
  OnAllocatedBytes(0);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_HEAP_GOAL);
  EXPECT_EQ(fake_.last_figures.young, 0u);
  EXPECT_EQ(fake_.last_figures.estimate_now, 2 * M + 1);
}

TEST_F(TriggerTest, PressureByteStepFollowsTheSurvivingHeap) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));
  fake_.set_fpb_after = true;
  fake_.fpb_after = 64 * M;  // 32 MiB allowance: step capped at 1 MiB
  mem_.full_page_bytes = 3 * M;
  OnAllocatedBytes(0);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(ByteStep(), 1 * M);
  mem_.full_page_bytes = 96 * M;  // the goal: 64 + 32 MiB
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 1);
  mem_.full_page_bytes = 96 * M + 1;
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 2);
}

// Bytes allocated while the collection finished (here by its "finalizer")
// belong to the next cycle: the baseline is the estimate without them.
TEST_F(TriggerTest, PressureBaselineLeavesOutAllocationDuringTheCollection) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));
  fake_.during = [] { OnAllocatedBytes(5 * M); };
  fake_.set_fpb_after = true;
  fake_.fpb_after = 12 * M;
  mem_.full_page_bytes = 3 * M;
  OnAllocatedBytes(1 * M);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 7 * M);
  // Count-driven baselines keep the reading as it is.
  Init(Cfg(CGC_TRIGGER_FULLPAGES, 1000));
  mem_.full_page_bytes = 3 * M;
  Batches(4);
  ASSERT_EQ(fake_.calls, 2);
  EXPECT_EQ(GetTriggerCounters().estimate_at_last, 12 * M);
}

// pressure with threads: one collection left 8 MiB (goal 12 MiB, a 4 MiB
// allowance: 2 MiB a thread with two deciding). Each test thread sets its own
// full-page bytes (FakeMemorySource::t_thread_full_page_bytes).
class PressureShareTest : public TriggerTest {
 protected:
  void CollectedOnceLeaving8M() {
    Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));
    fake_.set_fpb_after = true;
    fake_.fpb_after = 8 * M;
    mem_.full_page_bytes = 3 * M;
    OnAllocatedBytes(0);
    ASSERT_EQ(fake_.calls, 1);
    mem_.full_page_bytes = 8 * M;
  }
  // Another thread decides once (holding `own` bytes): two threads share.
  static void OtherThreadDecides(size_t own) {
    std::thread other([own] {
      FakeMemorySource::t_thread_full_page_bytes = own;
      OnAllocatedBytes(0);
    });
    other.join();
  }
  void TearDown() override {
    FakeMemorySource::t_thread_full_page_bytes = 0;
    TriggerTest::TearDown();
  }
};

// Pages a thread's garbage emptied serve only that thread: with two threads
// deciding, each may grow by half the allowance past its own reading after
// the last collection, however little the sum grew.
TEST_F(PressureShareTest, HoldsEachThreadToItsShareOfTheAllowance) {
  ASSERT_NO_FATAL_FAILURE(CollectedOnceLeaving8M());
  OtherThreadDecides(1 * M);
  // This thread's first reading is its baseline; a lower one lowers it.
  FakeMemorySource::t_thread_full_page_bytes = 5 * M;
  OnAllocatedBytes(0);
  FakeMemorySource::t_thread_full_page_bytes = 4 * M;
  OnAllocatedBytes(0);
  mem_.full_page_bytes = 10 * M;
  FakeMemorySource::t_thread_full_page_bytes = 6 * M;  // 4 + 4/2
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 1);
  FakeMemorySource::t_thread_full_page_bytes = 6 * M + 1;
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 2);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_HEAP_GOAL);
}

// What a thread allocated after the heap walk (here while the collection
// ran on it) is the next cycle's: its own baseline leaves it out, as the
// global one does.
TEST_F(PressureShareTest, ThreadBaselineLeavesOutItsBytesSinceTheWalk) {
  ASSERT_NO_FATAL_FAILURE(CollectedOnceLeaving8M());
  OtherThreadDecides(1 * M);
  FakeMemorySource::t_thread_full_page_bytes = 4 * M;
  fake_.during = [] {
    OnAllocatedBytes(3 * M);
    FakeMemorySource::t_thread_full_page_bytes = 7 * M;
  };
  mem_.full_page_bytes = 12 * M + 1;  // past the goal over 8 MiB
  OnAllocatedBytes(0);
  ASSERT_EQ(fake_.calls, 2);
  fake_.during = nullptr;
  // The sum's baseline is 8 - 3 MiB, its goal 7.5 MiB; this thread's is
  // 7 - 3 MiB, so at 7 MiB it is past its 2 MiB share.
  mem_.full_page_bytes = 7 * M;
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 3);
}

TEST_F(PressureShareTest, LoneThreadHasTheWholeAllowance) {
  ASSERT_NO_FATAL_FAILURE(CollectedOnceLeaving8M());
  FakeMemorySource::t_thread_full_page_bytes = 4 * M;
  OnAllocatedBytes(0);
  mem_.full_page_bytes = 11 * M;
  FakeMemorySource::t_thread_full_page_bytes = 7 * M;
  OnAllocatedBytes(0);
  EXPECT_EQ(fake_.calls, 1);
}

TEST_F(TriggerTest, PressureCountBackstopWithFlatMemory) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));  // backstop: the threshold
  mem_.full_page_bytes = 1 * M;
  Batches(7);  // 1792 young
  EXPECT_EQ(fake_.calls, 0);
  Batches(1);
  ASSERT_EQ(fake_.calls, 1);
  EXPECT_EQ(fake_.last_reason, CGC_REASON_COUNT_BACKSTOP);
}

TEST_F(TriggerTest, CountDrivenPoliciesTakeNoByteChecks) {
  for (cgc_trigger_kind k : {CGC_TRIGGER_COUNT, CGC_TRIGGER_FULLPAGES,
                             CGC_TRIGGER_RSS, CGC_TRIGGER_PACED}) {
    Init(Cfg(k));
    EXPECT_EQ(ByteStep(), SIZE_MAX) << k;
  }
  Config off = Cfg(CGC_TRIGGER_PRESSURE, 0);  // automatic collection off
  Init(off);
  EXPECT_EQ(ByteStep(), SIZE_MAX);
}

TEST_F(TriggerTest, DisabledPressureTakesNoByteChecks) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));
  cgc_disable();
  EXPECT_EQ(ByteStep(), SIZE_MAX);
  cgc_enable();
  EXPECT_EQ(ByteStep(), 128 * K);
}

// A collection that outlasts the hold bound does not hold a thread again,
// unless its memory runs away (past 3 goal allowances).
TEST_F(TriggerTest, PressureHoldsAgainWhenMemoryRunsAway) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));  // goal 2 MiB over 0
  std::atomic<bool> release{false};
  mem_.full_page_bytes = 3 * M;
  std::thread collector =
      StartCollectionUntil(&release, [] { OnAllocatedBytes(0); });
  mem_.full_page_bytes = 5 * M;  // 1.5 allowances past: held, times out
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  EXPECT_EQ(GetTriggerCounters().hold_timeouts, 1u);
  OnAllocatedBytes(0);  // the same collection: not held again
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  mem_.full_page_bytes = 9 * M;  // 3.5 allowances past: held again
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 2u);
  release = true;
  collector.join();
}

// A running collection holds a thread a quarter of an allowance past the
// goal (what it adds meanwhile is trash on top of the collection's), not one
// just past it (the running collection will bring memory down).
TEST_F(TriggerTest, PressureHoldsAQuarterAllowancePastTheGoal) {
  Init(Cfg(CGC_TRIGGER_PRESSURE, 2000));  // goal 2 MiB over 0
  std::atomic<bool> release{false};
  mem_.full_page_bytes = 2 * M + 100 * K;
  std::thread collector =
      StartCollectionUntil(&release, [] { OnAllocatedBytes(0); });
  mem_.full_page_bytes = 2 * M + 400 * K;  // 0.2 allowances past: runs on
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 0u);
  mem_.full_page_bytes = 2 * M + 700 * K;  // 0.34 past: held until timeout
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  release = true;
  collector.join();
}

// The same for a thread's own share: one that ran a quarter of its share
// past it while another thread's collection runs waits, however little the
// sum ran past the goal.
TEST_F(PressureShareTest, HoldsAThreadAQuarterSharePastItsShare) {
  ASSERT_NO_FATAL_FAILURE(CollectedOnceLeaving8M());
  FakeMemorySource::t_thread_full_page_bytes = 4 * M;
  OnAllocatedBytes(0);  // this thread's baseline: 4 MiB
  mem_.full_page_bytes = 12 * M + 1;
  std::atomic<bool> release{false};
  std::thread collector = StartCollectionUntil(&release, [] {
    FakeMemorySource::t_thread_full_page_bytes = 0;
    OnAllocatedBytes(0);
  });
  FakeMemorySource::t_thread_full_page_bytes = 6 * M + 400 * K;  // 0.2 past
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 0u);
  FakeMemorySource::t_thread_full_page_bytes = 6 * M + 700 * K;  // 0.34
  OnAllocatedBytes(0);
  EXPECT_EQ(GetTriggerCounters().holds, 1u);
  release = true;
  collector.join();
}

// After a deferral young restarts at zero: paced's next goal check is one
// interval (threshold / 2) later, not where the count rule had left the gate.
TEST_F(TriggerTest, PacedGateComesBackDownAfterADeferral) {
  Config c = Cfg(CGC_TRIGGER_PACED, 1000);
  c.mem_min = 4 * M;
  Init(c);
  mem_.full_page_bytes = 1 * M;
  Batches(4);  // 1024 > threshold, memory flat: deferred
  ASSERT_EQ(GetTriggerCounters().deferrals, 1u);
  int reads = mem_.full_page_reads;
  Batches(2);  // 512 > the 500 interval: the goal is checked again
  EXPECT_EQ(mem_.full_page_reads, reads + 1);
}

// Right after a collection paced's gate is 0; a thread allocating while the
// next collection runs is not "far ahead" until the count rule says so.
TEST_F(TriggerTest, PacedDoesNotHoldThreadsBelowItsCountRule) {
  Config c = Cfg(CGC_TRIGGER_PACED, 100000);
  c.mem_min = 4 * M;
  Init(c);
  std::atomic<bool> walked{false};
  std::atomic<bool> release{false};
  fake_.during = [&] {
    walked = true;
    while (!release) std::this_thread::yield();
  };
  mem_.full_page_bytes = 5 * M;  // over the 4 MiB goal: the batch collects
  std::thread collector([] { Batches(1); });
  while (!walked) std::this_thread::yield();
  Batches(2);  // young 512 during the collection: not held
  EXPECT_EQ(GetTriggerCounters().holds, 0u);
  release = true;
  collector.join();
}

}  // namespace
}  // namespace cyclegc::internal
