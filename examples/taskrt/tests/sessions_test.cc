#include "scenarios/sessions.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace taskrt {
namespace {

bool CensusNames(const std::vector<CensusRow>& census,
                 const std::string& type) {
  for (const CensusRow& row : census) {
    if (row.type_name == type && row.objects > 0) return true;
  }
  return false;
}

TEST(SessionsTest, CycleKeepsSessionsAndTasksAliveUntilCollect) {
  SessionsOptions o;
  o.dispatches = 300;
  o.census = true;
  absl::StatusOr<SessionsResult> r = RunSessions(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->completed, 300);
  EXPECT_EQ(r->sessions_live_before, 300);
  EXPECT_EQ(r->tasks_live_before, 300);
  EXPECT_EQ(r->registry_live_before, 300);
  // Each cycle: session, worker task, its closure, result and done futures.
  EXPECT_GE(r->collected, 5u * 300u);
  EXPECT_EQ(r->sessions_live_after, 0);
  EXPECT_EQ(r->tasks_live_after, 0);
  EXPECT_TRUE(CensusNames(r->census, "Session"));
  EXPECT_TRUE(CensusNames(r->census, "Task"));
  // Session and Task are among the top types of the census.
  ASSERT_GE(r->census.size(), 2u);
  size_t top = std::min<size_t>(r->census.size(), 5);
  std::vector<CensusRow> head(r->census.begin(), r->census.begin() + top);
  EXPECT_TRUE(CensusNames(head, "Session"));
  EXPECT_TRUE(CensusNames(head, "Task"));
}

TEST(SessionsTest, TheCycleReportNamesTheSessionTaskRing) {
  SessionsOptions o;
  o.dispatches = 300;
  o.cycles = true;
  absl::StatusOr<SessionsResult> r = RunSessions(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->cycles.empty());
  const std::string& ring = r->cycles[0].ring;
  EXPECT_EQ(ring.rfind("Session -> ", 0), 0u) << ring;
  EXPECT_NE(ring.find(" -> Task -> "), std::string::npos) << ring;
  EXPECT_GT(r->cycles[0].cycles, 0u);
  EXPECT_GT(r->cycles[0].bytes, 0u);
}

TEST(SessionsTest, BreakingTheCycleLetsRefcountingFreeEverything) {
  SessionsOptions o;
  o.dispatches = 300;
  o.break_cycle = true;
  o.census = true;
  o.cycles = true;
  absl::StatusOr<SessionsResult> r = RunSessions(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->completed, 300);
  EXPECT_EQ(r->sessions_live_before, 0);
  EXPECT_EQ(r->tasks_live_before, 0);
  EXPECT_EQ(r->registry_live_before, 0);
  EXPECT_EQ(r->collected, 0u);
  EXPECT_FALSE(CensusNames(r->census, "Session"));
  EXPECT_FALSE(CensusNames(r->census, "Task"));
  EXPECT_TRUE(r->cycles.empty());
}

}  // namespace
}  // namespace taskrt
