// Debug builds: a phase that needs a stopped world aborts when called with
// the world running (CGC_DCHECK_WORLD_STOPPED); release builds skip the check.
#include "gtest/gtest.h"
#include "phases.h"

namespace cyclegc::internal {
namespace {

#ifndef NDEBUG
TEST(PhaseAssertDeathTest, StoppedWorldPhasesAbortWithTheWorldRunning) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  CollectionState st;
  EXPECT_DEATH(SubtractInternalRefs(st),
               "SubtractInternalRefs needs the world stopped");
  EXPECT_DEATH((void)MarkReachableFromRoots(st), "needs the world stopped");
  EXPECT_DEATH((void)DropResurrected(st), "needs the world stopped");
}
#else
TEST(PhaseAssertDeathTest, StoppedWorldPhasesAbortWithTheWorldRunning) {
  GTEST_SKIP() << "the check is compiled in debug builds only";
}
#endif

}  // namespace
}  // namespace cyclegc::internal
