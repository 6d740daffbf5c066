// Weak references made while a collection runs the world between finding its
// trash and clearing it (weakref callbacks, then finalizers): they must be
// cleared before any clear runs, and what the callbacks resurrect survives
// intact (issue 16, item 2). Each clear below probes its own weakref: a strong
// reference returned there would be to an object being cleared.
#include <atomic>
#include <thread>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

std::atomic<cgc_weakref*> g_probe{nullptr};  // probed by ProbingClear
std::atomic<int> g_probe_hits{0};            // probes that got an object
std::atomic<int> g_late_callbacks{0};

void ProbingClear(cgc_object* self) {
  if (cgc_weakref* w = g_probe.load()) {
    if (cgc_object* got = cgc_weakref_get(w)) {
      if (got == self) g_probe_hits.fetch_add(1);
      cgc_decref(got);
    }
  }
  NodeClear(self);
}

void CountLate(cgc_weakref*, void*) { g_late_callbacks.fetch_add(1); }

// Its finalizer makes a weakref to itself.
void FinalizeMakingWeakref(cgc_object* self) {
  g_counters.finalized.fetch_add(1);
  g_probe.store(cgc_weakref_new(self, &CountLate, nullptr));
}

const cgc_type kProbingType = {sizeof(cgc_type), "Probing", NodeTraverse,
                               ProbingClear,     nullptr,   NodeDestroy};
const cgc_type kFinalWeakType = {sizeof(cgc_type),      "FinalWeak",
                                 NodeTraverse,          ProbingClear,
                                 FinalizeMakingWeakref, NodeDestroy};

class WeakrefWindowTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
    g_counters.finalized = 0;
    g_probe = nullptr;
    g_probe_hits = 0;
    g_late_callbacks = 0;
  }
  void TearDown() override {
    if (cgc_weakref* w = g_probe.exchange(nullptr)) cgc_weakref_free(w);
    RuntimeTest::TearDown();
  }
};

TEST_F(WeakrefWindowTest, WeakrefMadeByAFinalizerIsClearedBeforeClear) {
  cgc_object* a = NewNode(&kFinalWeakType);
  Link(a, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  EXPECT_EQ(g_probe_hits.load(), 0) << "clear saw its object through a weakref";
  EXPECT_EQ(g_counters.destroyed.load(), 1);
  ASSERT_NE(g_probe.load(), nullptr);
  EXPECT_EQ(cgc_weakref_get(g_probe.load()), nullptr);
  EXPECT_EQ(g_late_callbacks.load(), 1);  // its target died: once
}

// A callback of a weakref to trash `b` gets at trash `c` (its arg, borrowed).
struct CallbackPlan {
  cgc_object* c = nullptr;
  bool make_weakref = false;
  cgc_object* keep = nullptr;  // a strong reference the callback took
};

void CallbackReachingTrash(cgc_weakref*, void* arg) {
  auto* plan = static_cast<CallbackPlan*>(arg);
  if (plan->make_weakref) {
    g_probe.store(cgc_weakref_new(plan->c, &CountLate, nullptr));
  } else {
    cgc_incref(plan->c);
    plan->keep = plan->c;
  }
}

TEST_F(WeakrefWindowTest, WeakrefMadeByACallbackIsClearedBeforeClear) {
  cgc_object* b = NewNode();
  Link(b, 0, b);
  cgc_object* c = NewNode(&kProbingType);
  Link(c, 0, c);
  CallbackPlan plan{c, true};
  cgc_weakref* wb = cgc_weakref_new(b, &CallbackReachingTrash, &plan);
  cgc_decref(b);
  cgc_decref(c);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_probe_hits.load(), 0) << "clear saw its object through a weakref";
  EXPECT_EQ(g_counters.destroyed.load(), 2);
  ASSERT_NE(g_probe.load(), nullptr);
  EXPECT_EQ(cgc_weakref_get(g_probe.load()), nullptr);
  EXPECT_EQ(g_late_callbacks.load(), 1);
  cgc_weakref_free(wb);
}

TEST_F(WeakrefWindowTest, WhatACallbackResurrectsSurvivesIntact) {
  cgc_object* b = NewNode();
  Link(b, 0, b);
  cgc_object* c = NewNode();  // c <-> d, both trash until the callback runs
  cgc_object* d = NewNode();
  Link(c, 0, d);
  Link(d, 0, c);
  CallbackPlan plan{c, false};
  cgc_weakref* wb = cgc_weakref_new(b, &CallbackReachingTrash, &plan);
  cgc_decref(b);
  cgc_decref(c);
  cgc_decref(d);
  EXPECT_EQ(cgc_collect(), 1u);  // b only
  ASSERT_EQ(plan.keep, c);
  EXPECT_EQ(g_counters.destroyed.load(), 1);
  EXPECT_EQ(AsNode(c)->slots[0], d) << "a resurrected object was cleared";
  EXPECT_EQ(AsNode(d)->slots[0], c) << "a resurrected object was cleared";
  cgc_stats stats;
  ASSERT_EQ(cgc_get_stats(&stats), CGC_OK);
  EXPECT_EQ(stats.objects_resurrected, 2u);
  cgc_decref(plan.keep);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_counters.destroyed.load(), 3);
  cgc_weakref_free(wb);
}

// Weak references made during the clears themselves, to trash of the same
// collection that is being or has been cleared: another thread holding one
// must get nothing (a strong reference there would be to a cleared object).
// Both orders of the set are tried (the first-walked object clears first).
std::atomic<int> g_clear_gets{0};  // strong references obtained

// Another thread tries the weakref while `w`'s maker waits.
void GetOnAnotherThread(cgc_weakref* w) {
  std::thread([w] {
    ASSERT_EQ(cgc_thread_attach(), CGC_OK);
    if (cgc_object* got = cgc_weakref_get(w)) {
      g_clear_gets.fetch_add(1);
      cgc_decref(got);
    }
    cgc_thread_detach();
  }).join();
}

// Its clear makes a weakref to what slot 0 holds (other trash) first.
void ClearMakingWeakref(cgc_object* self) {
  if (cgc_object* other = AsNode(self)->slots[0]) {
    cgc_weakref* w = cgc_weakref_new(other, nullptr, nullptr);
    GetOnAnotherThread(w);
    cgc_weakref_free(w);
  }
  NodeClear(self);
}
const cgc_type kClearWeakType = {sizeof(cgc_type),   "ClearWeak", NodeTraverse,
                                 ClearMakingWeakref, nullptr,     NodeDestroy};

TEST_F(WeakrefWindowTest, WeakrefMadeByAClearToOtherTrashGivesNothing) {
  for (int maker_first = 0; maker_first < 2; ++maker_first) {
    g_clear_gets = 0;
    g_counters.destroyed = 0;
    cgc_object* first = NewNode(maker_first ? &kClearWeakType : &kNodeType);
    cgc_object* second = NewNode(maker_first ? &kNodeType : &kClearWeakType);
    Link(first, 0, second);
    Link(second, 0, first);
    cgc_decref(first);
    cgc_decref(second);
    EXPECT_EQ(cgc_collect(), 2u) << "maker_first=" << maker_first;
    EXPECT_EQ(g_clear_gets.load(), 0)
        << "a thread got trash being cleared (maker_first=" << maker_first
        << ")";
    EXPECT_EQ(g_counters.destroyed.load(), 2);
  }
}

// An untracked object that only trash holds dies during the clears; the
// callback of a weakref to it makes a weakref to trash (its arg, borrowed).
void CallbackMakingWeakrefToArg(cgc_weakref*, void* arg) {
  cgc_weakref* w =
      cgc_weakref_new(static_cast<cgc_object*>(arg), nullptr, nullptr);
  GetOnAnotherThread(w);
  cgc_weakref_free(w);
}

TEST_F(WeakrefWindowTest, WeakrefMadeByACallbackDuringTheClearsGivesNothing) {
  for (int holder_first = 0; holder_first < 2; ++holder_first) {
    g_clear_gets = 0;
    g_counters.destroyed = 0;
    cgc_object* first = NewNode();
    cgc_object* second = NewNode();
    Link(first, 0, second);
    Link(second, 0, first);
    cgc_object* holder = holder_first ? first : second;
    cgc_object* other = holder_first ? second : first;
    cgc_object* z = NewNode();
    cgc_untrack(z);  // not trash itself: dies when holder's clear drops it
    Link(holder, 1, z);
    cgc_weakref* wz = cgc_weakref_new(z, &CallbackMakingWeakrefToArg, other);
    cgc_decref(z);
    cgc_decref(first);
    cgc_decref(second);
    EXPECT_EQ(cgc_collect(), 2u) << "holder_first=" << holder_first;
    EXPECT_EQ(g_clear_gets.load(), 0)
        << "a thread got trash being cleared (holder_first=" << holder_first
        << ")";
    EXPECT_EQ(g_counters.destroyed.load(), 3);
    cgc_weakref_free(wz);
  }
}

}  // namespace
}  // namespace cyclegc::testing
