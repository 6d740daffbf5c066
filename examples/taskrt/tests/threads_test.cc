#include "scenarios/threads.h"

#include "gtest/gtest.h"

namespace taskrt {
namespace {

void ExpectEveryTaskOnceNothingEarlyAllFreed(const ThreadsOptions& o) {
  absl::StatusOr<ThreadsResult> r = RunThreads(o);
  ASSERT_TRUE(r.ok()) << r.status();
  const int64_t pairs = static_cast<int64_t>(o.threads) * o.tasks_per_thread;
  EXPECT_EQ(r->tasks_spawned, 2 * pairs);
  EXPECT_EQ(r->completed, 2 * pairs);
  EXPECT_EQ(r->results_checked, pairs);
  EXPECT_EQ(r->results_wrong, 0);
  EXPECT_EQ(r->tasks_destroyed_pending, 0);
  EXPECT_EQ(r->futures_destroyed_unresolved, 0);
  EXPECT_EQ(r->futures_resolved_twice, 0);
  EXPECT_EQ(r->tasks_stepped_after_done, 0);
  EXPECT_GT(r->collections, 0u);
  EXPECT_EQ(r->tasks_live_after, 0);
  EXPECT_EQ(r->futures_live_after, 0);
  EXPECT_EQ(r->closures_live_after, 0);
  EXPECT_EQ(r->registry_entries_after, 0);
  if (o.threads >= 2) {
    // Odd threads made results and left before the main thread checked them.
    EXPECT_GT(r->results_from_exited_threads, 0);
  }
}

TEST(ThreadsTest, OneLoop) {
  ThreadsOptions o;
  o.threads = 1;
  o.tasks_per_thread = 300;
  o.threshold = 16;
  ExpectEveryTaskOnceNothingEarlyAllFreed(o);
}

TEST(ThreadsTest, FourLoopsHandingWorkAround) {
  ThreadsOptions o;
  o.threads = 4;
  o.tasks_per_thread = 300;
  o.threshold = 32;
  ExpectEveryTaskOnceNothingEarlyAllFreed(o);
}

TEST(ThreadsTest, OddNumberOfLoops) {
  ThreadsOptions o;
  o.threads = 3;
  o.tasks_per_thread = 200;
  o.threshold = 16;
  ExpectEveryTaskOnceNothingEarlyAllFreed(o);
}

}  // namespace
}  // namespace taskrt
