// Trash accounting is exact: every released object is counted freed exactly
// once, whether refcounting or the collector frees it.
#include <cstdlib>
#include <random>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "point_runner.h"
#include "trash_counter.h"
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

// A whole tiny run through the runner: the exactness check at its end.
TEST(TinyRun, EveryReleasedObjectIsFreedAfterTheRun) {
  RunOptions o;
  o.point.cycle = 10;
  o.point.extra = 2000;
  o.point.live = 200;
  o.threads = 2;
  o.objects = 20000;
  o.min_s = 0;
  o.max_s = 1;
  o.sample_s = 0.01;
  absl::StatusOr<PointResult> r = RunPoint(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->error, "");
  EXPECT_GE(r->created, 20000);
  EXPECT_EQ(r->trash_after_collect, 0);
  EXPECT_GT(r->samples, 0);
  EXPECT_GE(r->trash_max, r->trash_sampled_max);
}

}  // namespace
}  // namespace cyclotron
