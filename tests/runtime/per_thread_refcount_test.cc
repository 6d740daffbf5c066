// Per-thread reference counts: exact totals across threads, merging while
// stopped and at thread exit, death detected at a stopped merge.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "object.h"
#include "refcount.h"
#include "runtime_fixture.h"
#include "seams.h"

namespace cyclegc::testing {
namespace {

using PerThreadRefcountTest = RuntimeTest;

void MergeStopped() {
  internal::StopTheWorld();
  internal::MergeRefcountsWhileStopped();
  internal::StartTheWorld();
}

TEST_F(PerThreadRefcountTest, CountsStayExactAcrossThreads) {
  std::atomic<int> destroyed{0};
  Node* shared = NewNode(&destroyed);
  ASSERT_EQ(cgc_set_per_thread_refcount(Obj(shared)), 0) << cgc_last_error();
  EXPECT_EQ(cgc_refcount(Obj(shared)), 1u);
  EXPECT_EQ(shared->header.ob_tid_, 0u);
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> holding{0};
  std::atomic<bool> release{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      cgc_thread_attach();
      for (int i = 0; i < 10000; ++i) {
        cgc_incref(Obj(shared));
        cgc_decref(Obj(shared));
      }
      cgc_incref(Obj(shared));
      cgc_incref(Obj(shared));
      cgc_decref(Obj(shared));  // each thread holds one
      holding.fetch_add(1);
      while (!release.load()) cgc_safepoint();
      cgc_decref(Obj(shared));
      cgc_thread_detach();
    });
  }
  while (holding.load() < kThreads) {
  }
  EXPECT_EQ(cgc_refcount(Obj(shared)), 1u + kThreads);
  release.store(true);
  for (auto& t : threads) t.join();
  EXPECT_EQ(cgc_refcount(Obj(shared)), 1u);
  EXPECT_EQ(destroyed.load(), 0);
  cgc_decref(Obj(shared));
  MergeStopped();  // a per-thread-counted death is found at a stopped merge
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(PerThreadRefcountTest, MergeWhileStoppedMakesSharedCountExact) {
  Node* shared = NewNode();
  ASSERT_EQ(cgc_set_per_thread_refcount(Obj(shared)), 0);
  std::atomic<bool> ready{false}, done{false};
  std::thread t([&] {
    cgc_thread_attach();
    for (int i = 0; i < 5; ++i) cgc_incref(Obj(shared));
    ready.store(true);
    while (!done.load()) cgc_safepoint();
    for (int i = 0; i < 5; ++i) cgc_decref(Obj(shared));
    cgc_thread_detach();
  });
  while (!ready.load()) {
  }
  cgc_decref(Obj(shared));  // main's own count: main's slot goes to -1
  internal::StopTheWorld();
  internal::MergeRefcountsWhileStopped();
  EXPECT_EQ(shared->header.ob_ref_shared_ >> internal::kSharedShift, 5);
  EXPECT_EQ(internal::TotalRefcount(Obj(shared)), 5u);
  internal::StartTheWorld();
  done.store(true);
  t.join();
  cgc_incref(Obj(shared));  // back to the count the test started with
  EXPECT_EQ(cgc_refcount(Obj(shared)), 1u);
  cgc_decref(Obj(shared));
}

TEST_F(PerThreadRefcountTest, ThreadExitFoldsItsCounts) {
  Node* shared = NewNode();
  ASSERT_EQ(cgc_set_per_thread_refcount(Obj(shared)), 0);
  RunAttached([&] {
    for (int i = 0; i < 3; ++i) cgc_incref(Obj(shared));
  });  // detach folds +3 into the shared count
  EXPECT_EQ(shared->header.ob_ref_shared_ >> internal::kSharedShift, 4);
  std::thread([&] {
    cgc_thread_attach();
    cgc_incref(Obj(shared));
    // exits without detaching: the exit hook folds +1
  }).join();
  EXPECT_EQ(cgc_refcount(Obj(shared)), 5u);
  for (int i = 0; i < 4; ++i) cgc_decref(Obj(shared));
  EXPECT_EQ(cgc_refcount(Obj(shared)), 1u);
}

TEST_F(PerThreadRefcountTest, DeathDetectedAtStoppedMergeAndFreedOnRestart) {
  std::atomic<int> destroyed{0};
  Node* shared = NewNode(&destroyed);
  ASSERT_EQ(cgc_set_per_thread_refcount(Obj(shared)), 0);
  RunAttached([&] { cgc_incref(Obj(shared)); });
  cgc_decref(Obj(shared));
  cgc_decref(Obj(shared));  // total zero, not yet detected
  EXPECT_EQ(destroyed.load(), 0);
  internal::StopTheWorld();
  internal::MergeRefcountsWhileStopped();
  EXPECT_EQ(destroyed.load(), 0);  // never destroyed while stopped
  internal::StartTheWorld();
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(PerThreadRefcountTest, OnlyTheOwnerMayOptIn) {
  Node* n = NewNode();
  RunAttached([&] {
    EXPECT_EQ(cgc_set_per_thread_refcount(Obj(n)), CGC_ESTATE);
    EXPECT_NE(std::string(cgc_last_error()).find("TestNode"),
              std::string::npos);
  });
  EXPECT_EQ(n->header.ob_flags_ & internal::kRefPerThread, 0);
  EXPECT_EQ(cgc_refcount(Obj(n)), 1u);
  EXPECT_EQ(cgc_set_per_thread_refcount(nullptr), CGC_EINVAL);
  cgc_decref(Obj(n));
}

TEST_F(PerThreadRefcountTest, IndicesAreReusedAfterAMerge) {
  for (int i = 0; i < 100; ++i) {
    std::atomic<int> destroyed{0};
    Node* n = NewNode(&destroyed);
    ASSERT_EQ(cgc_set_per_thread_refcount(Obj(n)), 0);
    EXPECT_LT(n->header.ob_ref_local_, 2u) << "index not reused";
    cgc_decref(Obj(n));
    internal::StopTheWorld();
    internal::MergeRefcountsWhileStopped();
    internal::StartTheWorld();
    ASSERT_EQ(destroyed.load(), 1);
  }
}

}  // namespace
}  // namespace cyclegc::testing
