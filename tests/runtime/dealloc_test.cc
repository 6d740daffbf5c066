// Deaths: bounded recursion on long chains and cycles, finalize at refcount
// death (once, may resurrect), tracking and the young count.
#include <atomic>
#include <utility>

#include "object.h"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

using DeallocTest = RuntimeTest;

constexpr int kLong = 1000000;

TEST_F(DeallocTest, MillionLongChainFreesWithoutStackOverflow) {
  std::atomic<int> destroyed{0};
  Node* head = NewNode(&destroyed);
  Node* tail = head;
  for (int i = 1; i < kLong; ++i) {
    Node* n = NewNode(&destroyed);
    ASSERT_NE(n, nullptr);
    tail->next = Obj(n);  // takes n's count
    tail = n;
  }
  cgc_decref(Obj(head));
  EXPECT_EQ(destroyed.load(), kLong);
}

TEST_F(DeallocTest, MillionLongCycleBrokenByClearFrees) {
  std::atomic<int> destroyed{0};
  Node* head = NewNode(&destroyed);
  Node* tail = head;
  for (int i = 1; i < kLong; ++i) {
    Node* n = NewNode(&destroyed);
    tail->next = Obj(n);
    tail = n;
  }
  cgc_incref(Obj(head));
  tail->next = Obj(head);  // the cycle holds head too
  cgc_decref(Obj(head));   // only the cycle holds it now
  EXPECT_EQ(destroyed.load(), 0);
  kNodeType.clear(Obj(head));  // what the collector does to break it
  EXPECT_EQ(destroyed.load(), kLong);
}

struct Phoenix {
  cgc_object header;
  int finalized;
  int destroyed;
};
cgc_object* g_resurrected = nullptr;
int g_finalized = 0;
int g_destroyed = 0;
void PhoenixFinalize(cgc_object* self) {
  ++g_finalized;
  cgc_incref(self);
  g_resurrected = self;
}
void PhoenixDestroy(cgc_object*) { ++g_destroyed; }
const cgc_type kPhoenixType = {sizeof(cgc_type), "Phoenix",
                               nullptr,          nullptr,
                               PhoenixFinalize,  PhoenixDestroy};

TEST_F(DeallocTest, FinalizerRunsOnceAndMayResurrect) {
  g_finalized = g_destroyed = 0;
  cgc_object* o = cgc_alloc(&kPhoenixType, sizeof(Phoenix));
  cgc_decref(o);
  EXPECT_EQ(g_finalized, 1);
  EXPECT_EQ(g_destroyed, 0);
  ASSERT_EQ(g_resurrected, o);
  EXPECT_EQ(cgc_refcount(o), 1u);
  EXPECT_TRUE(internal::HasGcBits(o, internal::kGcFinalized));
  cgc_decref(
      std::exchange(g_resurrected, nullptr));  // second death: no finalizer
  EXPECT_EQ(g_finalized, 1);
  EXPECT_EQ(g_destroyed, 1);
}

TEST_F(DeallocTest, TrackUntrack) {
  Node* n = NewNode();
  EXPECT_EQ(cgc_is_tracked(Obj(n)), 1);
  cgc_untrack(Obj(n));
  EXPECT_EQ(cgc_is_tracked(Obj(n)), 0);
  cgc_untrack(Obj(n));
  cgc_track(Obj(n));
  EXPECT_EQ(cgc_is_tracked(Obj(n)), 1);
  cgc_decref(Obj(n));
}

}  // namespace
}  // namespace cyclegc::testing
