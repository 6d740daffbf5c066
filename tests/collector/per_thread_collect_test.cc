// Collections and per-thread-counted objects: their zero is only seen at a
// stopped merge, so the collector must settle those deaths before marking
// (not roots) and reap per-thread trash before cgc_collect returns.
#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class PerThreadCollectTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
  }
};

TEST_F(PerThreadCollectTest, PerThreadTrashIsFreedByTheCollectionFindingIt) {
  cgc_object* a = NewNode();
  cgc_object* b = NewNode();
  ASSERT_EQ(cgc_set_per_thread_refcount(a), CGC_OK);
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_decref(a);
  cgc_decref(b);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_counters.destroyed.load(), 2);
}

TEST_F(PerThreadCollectTest, DeadPerThreadObjectDoesNotKeepTrashAlive) {
  cgc_object* holder = NewNode();
  ASSERT_EQ(cgc_set_per_thread_refcount(holder), CGC_OK);
  cgc_object* c = NewNode();  // c <-> d held only by holder
  cgc_object* d = NewNode();
  Link(c, 0, d);
  Link(d, 0, c);
  Link(holder, 0, c);
  cgc_decref(c);
  cgc_decref(d);
  cgc_decref(holder);  // zero, unseen until a stopped merge
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_counters.destroyed.load(), 3);
}

}  // namespace
}  // namespace cyclegc::testing
