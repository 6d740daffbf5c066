// The cycle collector: cycles, roots, threads, finalizers, re-entry.
#include <atomic>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "object_stack.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class CollectTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
    g_counters.finalized = 0;
  }
};

int Destroyed() { return g_counters.destroyed.load(); }

TEST_F(CollectTest, SimpleCycleIsCollected) {
  cgc_object* a = NewNode();
  cgc_object* b = NewNode();
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_decref(a);
  cgc_decref(b);
  EXPECT_EQ(Destroyed(), 0);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(Destroyed(), 2);
  EXPECT_EQ(cgc_collect(), 0u);
}

TEST_F(CollectTest, SelfReferenceIsCollected) {
  cgc_object* a = NewNode();
  Link(a, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(Destroyed(), 1);
}

TEST_F(CollectTest, LongCycleIsCollectedWithoutRecursion) {
  constexpr int kLength = 200000;
  cgc_decref(MakeRing(kLength));
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(kLength));
  EXPECT_EQ(Destroyed(), kLength);
}

TEST_F(CollectTest, CycleReachableFromOutsideSurvivesUntilReleased) {
  cgc_object* root = NewNode();
  cgc_object* a = NewNode();
  cgc_object* b = NewNode();
  Link(root, 0, a);
  Link(a, 0, b);
  Link(b, 0, a);
  Link(b, 1, root);  // the root is itself in a cycle, held by the test
  cgc_decref(a);
  cgc_decref(b);
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_EQ(Destroyed(), 0);
  EXPECT_TRUE(Intact(a));
  EXPECT_TRUE(Intact(b));
  EXPECT_EQ(AsNode(a)->slots[0], b);
  EXPECT_EQ(AsNode(b)->slots[1], root);
  EXPECT_EQ(cgc_refcount(root), 2u);
  cgc_decref(root);
  EXPECT_EQ(cgc_collect(), 3u);
  EXPECT_EQ(Destroyed(), 3);
}

TEST_F(CollectTest, AcyclicGarbageHangingOffACycleGoesToo) {
  cgc_object* a = NewNode();
  cgc_object* b = NewNode();
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_object* tail = a;
  for (int i = 0; i < 100; ++i) {  // a chain owned only by the cycle
    cgc_object* n = NewNode();
    Link(tail, 1, n);
    if (tail != a) cgc_decref(tail);
    tail = n;
  }
  cgc_decref(tail);
  cgc_decref(a);
  cgc_decref(b);
  EXPECT_EQ(cgc_collect(), 102u);
  EXPECT_EQ(Destroyed(), 102);
}

TEST_F(CollectTest, UntrackedObjectsAreRootsNotMembers) {
  cgc_object* holder = NewNode();
  cgc_untrack(holder);  // its references count as coming from outside
  cgc_object* a = NewNode();
  Link(a, 0, a);
  Link(holder, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_TRUE(Intact(a));
  Link(holder, 0, nullptr);
  EXPECT_EQ(cgc_collect(), 1u);
  cgc_decref(holder);
  EXPECT_EQ(Destroyed(), 2);
}

// Each thread builds a ring of objects it owns, links it to its neighbour's
// ring (objects of another thread), hands one reference to the main thread and
// exits or stays attached.
TEST_F(CollectTest, CyclesAcrossThreadsAndExitedThreads) {
  constexpr int kThreads = 4;
  constexpr int kRing = 500;
  std::vector<cgc_object*> heads(kThreads);
  auto build = [&](int t) {
    ASSERT_EQ(cgc_thread_attach(), CGC_OK) << cgc_last_error();
    heads[t] = MakeRing(kRing);  // the thread's reference moves to main
    cgc_thread_detach();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(build, t);
  for (auto& th : threads) th.join();
  // Rings linked into one big cycle across the exited threads' objects.
  for (int t = 0; t < kThreads; ++t)
    Link(heads[t], 1, heads[(t + 1) % kThreads]);
  EXPECT_EQ(cgc_collect(), 0u);
  for (int t = 1; t < kThreads; ++t) cgc_decref(heads[t]);
  EXPECT_EQ(cgc_collect(), 0u);  // heads[0] keeps every ring alive
  EXPECT_TRUE(Intact(heads[2]));
  cgc_decref(heads[0]);
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(kThreads * kRing));
  EXPECT_EQ(Destroyed(), kThreads * kRing);
}

TEST_F(CollectTest, CyclesOfLiveThreadsAreCollected) {
  constexpr int kThreads = 3;
  std::atomic<int> built{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      ASSERT_EQ(cgc_thread_attach(), CGC_OK);
      for (int i = 0; i < 100; ++i) {
        cgc_object* a = NewNode();
        cgc_object* b = NewNode();
        Link(a, 0, b);
        Link(b, 0, a);
        cgc_decref(a);
        cgc_decref(b);
      }
      built.fetch_add(1);
      while (!done.load()) cgc_safepoint();  // stays attached while collected
      cgc_thread_detach();
    });
  }
  while (built.load() < kThreads) std::this_thread::yield();
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(kThreads * 200));
  done = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(Destroyed(), kThreads * 200);
}

// ---- finalizers -----------------------------------------------------------

cgc_object* g_resurrected = nullptr;

void ResurrectingFinalize(cgc_object* self) {
  g_counters.finalized.fetch_add(1);
  cgc_incref(self);
  g_resurrected = self;
}
const cgc_type kResurrectingType = {sizeof(cgc_type),     "Resurrecting",
                                    NodeTraverse,         NodeClear,
                                    ResurrectingFinalize, NodeDestroy};

TEST_F(CollectTest, FinalizerResurrectionKeepsObjectAndWhatItReaches) {
  cgc_object* phoenix = NewNode(&kResurrectingType);
  cgc_object* child = NewNode();
  cgc_object* other = NewNode();  // unrelated cycle: collected meanwhile
  Link(phoenix, 0, child);
  Link(child, 0, phoenix);
  Link(other, 0, other);
  cgc_decref(child);
  cgc_decref(phoenix);
  cgc_decref(other);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  ASSERT_EQ(g_resurrected, phoenix);
  EXPECT_TRUE(Intact(phoenix));
  EXPECT_TRUE(Intact(child));
  EXPECT_EQ(AsNode(phoenix)->slots[0], child);
  EXPECT_EQ(AsNode(child)->slots[0], phoenix);
  cgc_stats stats;
  ASSERT_EQ(cgc_get_stats(&stats), CGC_OK);
  EXPECT_EQ(stats.objects_resurrected, 2u);
  EXPECT_EQ(stats.finalizers_run, 1u);

  // Still held: survives, and its finalizer does not run again.
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  g_resurrected = nullptr;
  cgc_decref(phoenix);
  EXPECT_EQ(cgc_collect(), 2u);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  EXPECT_EQ(Destroyed(), 3);
}

void CycleMakingFinalize(cgc_object*) {
  g_counters.finalized.fetch_add(1);
  cgc_object* a = NewNode();
  cgc_object* b = NewNode();
  Link(a, 0, b);
  Link(b, 0, a);
  cgc_decref(a);
  cgc_decref(b);
}
const cgc_type kCycleMakerType = {sizeof(cgc_type),    "CycleMaker",
                                  NodeTraverse,        NodeClear,
                                  CycleMakingFinalize, NodeDestroy};

TEST_F(CollectTest, FinalizerThatCreatesNewCycles) {
  cgc_object* a = NewNode(&kCycleMakerType);
  Link(a, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  EXPECT_EQ(Destroyed(), 1);
  EXPECT_EQ(cgc_collect(), 2u);  // the finalizer's new cycle
  EXPECT_EQ(Destroyed(), 3);
  EXPECT_EQ(g_counters.finalized.load(), 1);
}

size_t g_nested_result = 99;
void CollectingFinalize(cgc_object*) {
  g_counters.finalized.fetch_add(1);
  g_nested_result = cgc_collect();  // must not deadlock
}
const cgc_type kCollectingType = {sizeof(cgc_type),   "Collecting",
                                  NodeTraverse,       NodeClear,
                                  CollectingFinalize, NodeDestroy};

TEST_F(CollectTest, CollectFromInsideAFinalizerReturnsZero) {
  cgc_object* a = NewNode(&kCollectingType);
  Link(a, 0, a);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_nested_result, 0u);
}

TEST_F(CollectTest, ConcurrentCollectsRunOneAtATime) {
  constexpr int kCycles = 2000;
  for (int i = 0; i < kCycles; ++i) {
    cgc_object* a = NewNode();
    Link(a, 0, a);
    cgc_decref(a);
  }
  std::atomic<size_t> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      ASSERT_EQ(cgc_thread_attach(), CGC_OK);
      total += cgc_collect();
      cgc_thread_detach();
    });
  }
  total += cgc_collect();
  // An attached thread that waits without polling must count as stopped, or
  // a worker's collection could never stop the world.
  cgc_blocking_begin();
  for (auto& th : threads) th.join();
  cgc_blocking_end();
  EXPECT_EQ(total.load(), static_cast<size_t>(kCycles));
  EXPECT_EQ(Destroyed(), kCycles);
}

TEST_F(CollectTest, OutOfMemoryBacksOffWithoutFreeing) {
  cgc_object* a = NewNode();
  Link(a, 0, a);
  cgc_decref(a);
  internal::SetObjectStackGrowthFailureAfterForTesting(0);
  EXPECT_EQ(cgc_collect(), 0u);
  internal::SetObjectStackGrowthFailureAfterForTesting(-1);
  EXPECT_EQ(Destroyed(), 0);
  EXPECT_TRUE(Intact(a));
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(Destroyed(), 1);
}

#ifndef NDEBUG
int LyingTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  // Reports its slot twice: one reference it does not own.
  NodeTraverse(self, visit, arg);
  return NodeTraverse(self, visit, arg);
}
const cgc_type kLyingType = {sizeof(cgc_type), "LyingType", LyingTraverse,
                             NodeClear,        nullptr,     NodeDestroy};

TEST_F(CollectTest, TraverseReportingAnUnownedReferenceAbortsNamingTheType) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        cgc_object* a = NewNode(&kLyingType);
        cgc_object* b = NewNode();
        Link(a, 0, b);
        cgc_decref(b);
        cgc_collect();
      },
      "LyingType");
}
#endif

// ---- shutdown ---------------------------------------------------------------

TEST(CollectShutdownTest, ShutdownFinalizesAndFreesLiveCyclesAndLeftovers) {
  ASSERT_EQ(cgc_init(nullptr), CGC_OK) << cgc_last_error();
  g_counters.destroyed = 0;
  g_counters.finalized = 0;
  cgc_object* root = NewNode();  // never released by the "embedder"
  cgc_object* fin = NewNode(&kResurrectingType);
  Link(root, 0, fin);
  Link(fin, 0, root);
  cgc_object* garbage = NewNode();
  Link(garbage, 0, garbage);
  cgc_decref(garbage);
  cgc_decref(fin);
  cgc_shutdown();
  EXPECT_EQ(Destroyed(), 3);
  EXPECT_EQ(g_counters.finalized.load(), 1);
  g_resurrected = nullptr;
}

}  // namespace
}  // namespace cyclegc::testing
