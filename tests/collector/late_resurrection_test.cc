// Objects that come back to life at the last moment (issue 16, item 7): after
// a refcount death's finalizer, between the resurrection test and the drop of
// the finalizer's count; and during the collector's clear.
#include <atomic>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"
#include "test_points.h"

namespace cyclegc::testing {
namespace {

class LateResurrectionTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
    g_counters.finalized = 0;
  }
  void TearDown() override {
    internal::SetTestPointHookForTesting(nullptr);
    RuntimeTest::TearDown();
  }
};

void CountFinalize(cgc_object*) { g_counters.finalized.fetch_add(1); }
const cgc_type kFinalType = {sizeof(cgc_type), "Final",       NodeTraverse,
                             NodeClear,        CountFinalize, NodeDestroy};

std::atomic<cgc_weakref*> g_weak{nullptr};
std::atomic<cgc_object*> g_got{nullptr};

// Another holder of the weakref wins the race against the finalizer's drop.
void GetThroughWeakref(internal::TestPoint point, cgc_object* o) {
  cgc_weakref* w = g_weak.load();
  if (point != internal::TestPoint::kFinalizerBeforeDrop || w == nullptr)
    return;
  if (cgc_object* got = cgc_weakref_get(w); got == o) g_got.store(got);
}

TEST_F(LateResurrectionTest, ObjectRevivedAfterItsFinalizerStaysTracked) {
  cgc_object* a = NewNode(&kFinalType);
  cgc_weakref* w = cgc_weakref_new(a, nullptr, nullptr);
  g_weak.store(w);
  g_got.store(nullptr);
  internal::SetTestPointHookForTesting(&GetThroughWeakref);
  cgc_decref(a);  // finalizer runs; the hook takes a reference before the drop
  internal::SetTestPointHookForTesting(nullptr);
  g_weak.store(nullptr);
  ASSERT_EQ(g_got.load(), a);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  EXPECT_EQ(g_counters.destroyed.load(), 0);
  // A cycle through it must still be collectable.
  Link(a, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_counters.destroyed.load(), 1);
  cgc_weakref_free(w);
}

std::atomic<cgc_object*> g_kept{nullptr};

// Keeps a strong reference to itself while being cleared.
void ClearKeepingSelf(cgc_object* self) {
  cgc_incref(self);
  g_kept.store(self);
  NodeClear(self);
}
const cgc_type kKeepType = {sizeof(cgc_type), "Keep",  NodeTraverse,
                            ClearKeepingSelf, nullptr, NodeDestroy};

uint64_t Collected() {
  cgc_stats s;
  EXPECT_EQ(cgc_get_stats(&s), CGC_OK);
  return s.objects_collected;
}

// A clear that keeps its object: it survives the collection, and refcounting
// frees it later (issue 16, item 7). Its death must not count as collected.
TEST_F(LateResurrectionTest, SurvivorOfClearIsNotCountedAsCollectedLater) {
  cgc_object* a = NewNode(&kKeepType);
  cgc_object* b = NewNode();
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_decref(a);
  cgc_decref(b);
  g_kept.store(nullptr);
  EXPECT_EQ(cgc_collect(), 1u);  // b; a survived its clear
  ASSERT_EQ(g_kept.load(), a);
  EXPECT_EQ(Collected(), 1u);
  EXPECT_EQ(g_counters.destroyed.load(), 1);
  cgc_decref(a);  // now refcounting frees it: not the collector's doing
  EXPECT_EQ(g_counters.destroyed.load(), 2);
  EXPECT_EQ(Collected(), 1u);
}

// No clear: drops its references only in destroy.
void DestroyDroppingSlots(cgc_object* self) {
  NodeClear(self);
  NodeDestroy(self);
}
const cgc_type kNoClearType = {sizeof(cgc_type), "NoClear",
                               NodeTraverse,     nullptr,
                               nullptr,          DestroyDroppingSlots};

// After the clears, b is still referenced (by a, which has no clear), but
// only from trash: the survivor pass must not keep it, and both count.
TEST_F(LateResurrectionTest, TrashHeldOnlyByUnclearedTrashIsStillCollected) {
  cgc_object* a = NewNode(&kNoClearType);
  cgc_object* b = NewNode();
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_decref(a);
  cgc_decref(b);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_counters.destroyed.load(), 2);
  EXPECT_EQ(Collected(), 2u);
}

// One object survives its clear; the rest of its set still dies and counts,
// including c, held after the clears by b (no clear) alone. A weakref to the
// survivor works once the collection is over.
TEST_F(LateResurrectionTest, OthersDieWithASurvivorAndItsWeakrefsWork) {
  cgc_object* a = NewNode(&kKeepType);
  cgc_object* b = NewNode(&kNoClearType);
  cgc_object* c = NewNode();
  Link(a, 0, c);
  Link(c, 0, a);
  Link(c, 1, b);
  Link(b, 0, c);
  cgc_decref(a);
  cgc_decref(b);
  cgc_decref(c);
  g_kept.store(nullptr);
  EXPECT_EQ(cgc_collect(), 2u);  // b and c
  ASSERT_EQ(g_kept.load(), a);
  EXPECT_EQ(Collected(), 2u);
  cgc_weakref* w = cgc_weakref_new(a, nullptr, nullptr);
  cgc_object* got = cgc_weakref_get(w);
  EXPECT_EQ(got, a) << "a survivor of clear is unreachable through weakrefs";
  if (got != nullptr) cgc_decref(got);
  cgc_weakref_free(w);
  cgc_decref(a);
  EXPECT_EQ(g_counters.destroyed.load(), 3);
  EXPECT_EQ(Collected(), 2u);
}

}  // namespace
}  // namespace cyclegc::testing
