// Trash accounting is exact: every released object is counted freed exactly
// once, whether refcounting or the collector frees it.
#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "block_size.h"
#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "point_runner.h"
#include "trash_counter.h"
#include "unit_builder.h"
#include "workload.h"

namespace cyclotron {
namespace {

// Automatic collection off: only cgc_collect() frees cycles here.
class TrashAccounting : public ::testing::Test {
 protected:
  void SetUp() override {
    Counters().Reset();
    cgc_config config;
    cgc_config_default(&config);
    config.threshold = 0;
    ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }

  // Builds `units` units, then drops them all as the harness's holder does.
  int64_t BuildAndDrop(const PointSpec& spec, int units) {
    std::mt19937_64 rng(7);
    std::unique_ptr<UnitBuilder> builder = MakeBuilder(spec);
    std::vector<Unit> held;
    int64_t objects = 0;
    for (int i = 0; i < units; ++i) {
      Unit u = builder->Build(rng);
      EXPECT_NE(u.head, nullptr) << cgc_last_error();
      if (u.head == nullptr) break;
      held.push_back(u);
      objects += u.objects;
    }
    Counters().OnReleased(objects);
    for (const Unit& u : held) cgc_decref(u.head);
    return objects;
  }
};

TEST_F(TrashAccounting, AcyclicChainsAreFreedAtRelease) {
  PointSpec spec;
  spec.cycle = 10;
  spec.extra = 1000;
  spec.cyc = 0;
  const int64_t objects = BuildAndDrop(spec, 50);
  EXPECT_EQ(objects, 50 * 11);  // 10 nodes and a witness per unit
  const TrashSnapshot s = Counters().Snapshot();
  EXPECT_EQ(s.created, objects);
  EXPECT_EQ(s.released, objects);
  EXPECT_EQ(s.trash(), 0);
  EXPECT_EQ(s.units_freed, 50);
}

TEST_F(TrashAccounting, CyclicChainsAreTrashUntilCollected) {
  PointSpec spec;
  spec.cycle = 10;
  spec.extra = 1000;
  spec.cyc = 100;
  const int64_t objects = BuildAndDrop(spec, 50);
  TrashSnapshot s = Counters().Snapshot();
  EXPECT_EQ(s.trash(), objects);
  EXPECT_EQ(s.units_freed, 0);
  cgc_collect();
  s = Counters().Snapshot();
  EXPECT_EQ(s.trash(), 0);
  EXPECT_EQ(s.freed, objects);
  EXPECT_EQ(s.units_freed, 50);
}

TEST_F(TrashAccounting, HalfCyclicChainsLeaveExactlyTheCyclicOnes) {
  PointSpec spec;
  spec.cycle = 5;
  spec.extra = 0;
  spec.cyc = 50;
  BuildAndDrop(spec, 200);
  const TrashSnapshot s = Counters().Snapshot();
  // Each freed unit freed all 6 of its objects; the rest are all trash.
  EXPECT_EQ(s.trash(), (200 - s.units_freed) * 6);
  EXPECT_GT(s.units_freed, 0);
  EXPECT_LT(s.units_freed, 200);
  cgc_collect();
  EXPECT_EQ(Counters().Snapshot().trash(), 0);
}

TEST_F(TrashAccounting, TreeChurnAndSelfReferenceAreCounted) {
  PointSpec spec;
  spec.wl = "tree";
  spec.cycle = 200;  // 100 records, 20 deleted and re-inserted
  spec.extra = 10000;
  spec.cyc = 100;
  const int64_t objects = BuildAndDrop(spec, 5);
  TrashSnapshot s = Counters().Snapshot();
  // The deleted records were freed at once; what the trees hold is trash.
  EXPECT_EQ(s.created - s.released, 0);
  EXPECT_EQ(s.trash(), objects);
  EXPECT_EQ(s.freed, 5 * 20);
  cgc_collect();
  s = Counters().Snapshot();
  EXPECT_EQ(s.trash(), 0);
  EXPECT_EQ(s.freed, s.created);
}

// Drives a workload's own loop for a fixed number of created objects.
class CountingContext : public ThreadContext {
 public:
  explicit CountingContext(int64_t stop_after) : stop_after_(stop_after) {}
  bool ShouldStop() const override { return created >= stop_after_; }
  void Created(int64_t objects) override { created += objects; }
  void Holding(int64_t objects, int64_t bytes) override {
    held_max = std::max(held_max, objects);
    bytes_max = std::max(bytes_max, bytes);
  }
  void Fail(const std::string& message) override { error = message; }
  int64_t created = 0;
  int64_t held_max = 0;
  int64_t bytes_max = 0;
  std::string error;

 private:
  int64_t stop_after_;
};

// A queue node (header, self, payload pointer) and its 10 kB payload.
const int64_t kQueueNodeBytes =
    BlockBytes(sizeof(cgc_object) + 2 * sizeof(void*)) + BlockBytes(10000);

PointSpec Queue(int cyc) {
  PointSpec spec;
  spec.wl = "queue";
  spec.extra = 10000;
  spec.live = 10;
  spec.cyc = cyc;
  return spec;
}

TEST_F(TrashAccounting, QueuePushesTheOldestOutAsCyclicTrash) {
  std::mt19937_64 rng(7);
  CountingContext ctx(/*stop_after=*/50);
  MakeWorkload(Queue(100))->RunThread(rng, ctx);
  EXPECT_EQ(ctx.error, "");
  EXPECT_EQ(ctx.created, 50);
  // The window held 10 nodes, each a node and its 10 kB payload.
  EXPECT_EQ(ctx.held_max, 10);
  EXPECT_EQ(ctx.bytes_max, 10 * kQueueNodeBytes);
  TrashSnapshot s = Counters().Snapshot();
  EXPECT_EQ(s.created, 50);
  EXPECT_EQ(s.released, 50);  // the 40 pushed out and the 10 left at the end
  EXPECT_EQ(s.freed, 0);      // self-cycles: refcounting frees none
  EXPECT_EQ(s.trash(), 50);
  EXPECT_EQ(cgc_collect(), 50u);
  s = Counters().Snapshot();
  EXPECT_EQ(s.trash(), 0);
  EXPECT_EQ(s.freed, 50);
  EXPECT_EQ(s.units_freed, 50);
}

TEST_F(TrashAccounting, AcyclicQueueIsFreedByRefcounting) {
  std::mt19937_64 rng(7);
  CountingContext ctx(/*stop_after=*/50);
  MakeWorkload(Queue(0))->RunThread(rng, ctx);
  const TrashSnapshot s = Counters().Snapshot();
  EXPECT_EQ(s.released, 50);
  EXPECT_EQ(s.freed, 50);
  EXPECT_EQ(s.trash(), 0);
  EXPECT_EQ(cgc_collect(), 0u);
}

TEST_F(TrashAccounting, HalfCyclicQueueLeavesExactlyTheCyclicNodes) {
  std::mt19937_64 rng(7);
  CountingContext ctx(/*stop_after=*/400);
  MakeWorkload(Queue(50))->RunThread(rng, ctx);
  const TrashSnapshot s = Counters().Snapshot();
  EXPECT_EQ(s.released, 400);
  EXPECT_GT(s.freed, 0);
  EXPECT_LT(s.freed, 400);
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(s.trash()));
  EXPECT_EQ(Counters().Snapshot().trash(), 0);
}

// A whole tiny run through the runner, on 2 threads: the exactness check at
// its end.
absl::StatusOr<PointResult> TinyRun(const PointSpec& point) {
  RunOptions o;
  o.point = point;
  o.threads = 2;
  o.objects = 20000;
  o.min_s = 0;
  o.max_s = 1;
  o.sample_s = 0.01;
  return RunPoint(o);
}

TEST(TinyRun, EveryReleasedObjectIsFreedAfterTheRun) {
  PointSpec chain;
  chain.cycle = 10;
  chain.extra = 2000;
  chain.live = 200;
  absl::StatusOr<PointResult> r = TinyRun(chain);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->error, "");
  EXPECT_GE(r->created, 20000);
  EXPECT_EQ(r->trash_after_collect, 0);
  EXPECT_GT(r->samples, 0);
  EXPECT_GE(r->trash_max, r->trash_sampled_max);
}

TEST(TinyRun, QueueRunIsExactAndReportsItsLiveSet) {
  PointSpec queue = Queue(100);
  queue.live = 100;
  absl::StatusOr<PointResult> r = TinyRun(queue);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->error, "");
  EXPECT_EQ(r->trash_after_collect, 0);
  EXPECT_GT(r->trash_max, 0);
  EXPECT_EQ(r->live_objects, 2 * 100);  // each thread's full window
  EXPECT_EQ(r->live_bytes, 2 * 100 * kQueueNodeBytes);
}

}  // namespace
}  // namespace cyclotron
