#include "scenarios/fire_and_forget.h"

#include <string>

#include "gtest/gtest.h"
#include "runtime/counters.h"

namespace taskrt {
namespace {

TEST(FireAndForgetTest, LoopKeepsWaitingTasksAliveUnderCollection) {
  FireAndForgetOptions o;
  o.tasks = 500;
  o.threshold = 8;
  absl::StatusOr<FireAndForgetResult> r = RunFireAndForget(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->registry_live_after_spawn, 500);
  EXPECT_EQ(r->completed, 500);
  EXPECT_EQ(r->tasks_destroyed_pending, 0);
  EXPECT_EQ(r->futures_destroyed_unresolved, 0);
  EXPECT_EQ(r->completions_dropped, 0);
  EXPECT_EQ(GlobalCounters().warnings.load(), 0);
  // The collector really ran while the tasks waited, and found the garbage.
  EXPECT_GT(r->collections, 1u);
  EXPECT_GT(r->objects_collected, 0u);
  EXPECT_EQ(r->registry_live_after, 0);
  EXPECT_EQ(r->tasks_live_after, 0);
  EXPECT_EQ(r->futures_live_after, 0);
  EXPECT_EQ(r->closures_live_after, 0);
}

TEST(FireAndForgetTest, LoopThatDropsWaitingTasksLosesThemAndWarns) {
  FireAndForgetOptions o;
  o.tasks = 500;
  o.threshold = 8;
  o.loop_drops_waiting = true;
  testing::internal::CaptureStderr();
  absl::StatusOr<FireAndForgetResult> r = RunFireAndForget(o);
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->tasks_destroyed_pending, 0);
  EXPECT_GT(r->futures_destroyed_unresolved, 0);
  EXPECT_LT(r->completed, 500);
  EXPECT_EQ(r->completed + r->tasks_destroyed_pending, 500);
  EXPECT_GT(r->completions_dropped, 0);
  EXPECT_GT(GlobalCounters().warnings.load(), 0);
  EXPECT_NE(err.find("Task 'fire-"), std::string::npos) << err;
  EXPECT_NE(err.find("was destroyed but it is pending"), std::string::npos)
      << err;
  EXPECT_NE(err.find("was destroyed before it resolved"), std::string::npos)
      << err;
  // Lost, but not leaked.
  EXPECT_EQ(r->tasks_live_after, 0);
  EXPECT_EQ(r->futures_live_after, 0);
}

}  // namespace
}  // namespace taskrt
