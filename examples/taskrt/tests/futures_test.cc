#include "scenarios/futures.h"

#include "gtest/gtest.h"

namespace taskrt {
namespace {

void ExpectAllResolvedAndFreed(const FuturesOptions& o) {
  absl::StatusOr<FuturesResult> r = RunFutures(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->chains_resolved, o.chains);
  EXPECT_EQ(r->wrong_values, 0);
  EXPECT_EQ(r->completed, static_cast<int64_t>(o.chains) * o.length);
  EXPECT_EQ(r->futures_destroyed_unresolved, 0);
  EXPECT_EQ(r->tasks_destroyed_pending, 0);
  EXPECT_GT(r->collections, 0u);
  EXPECT_EQ(r->tasks_live_after, 0);
  EXPECT_EQ(r->futures_live_after, 0);
  EXPECT_EQ(r->closures_live_after, 0);
}

TEST(FuturesTest, SecondTaskAwaitsFirstAndOnlyLastFutureIsKept) {
  FuturesOptions o;
  o.chains = 400;
  o.length = 2;
  o.threshold = 8;
  ExpectAllResolvedAndFreed(o);
}

TEST(FuturesTest, LongChains) {
  FuturesOptions o;
  o.chains = 50;
  o.length = 20;
  o.threshold = 8;
  ExpectAllResolvedAndFreed(o);
}

TEST(FuturesTest, RejectsEmptyChains) {
  FuturesOptions o;
  o.length = 0;
  EXPECT_FALSE(RunFutures(o).ok());
}

}  // namespace
}  // namespace taskrt
