// Biased reference counting across threads: owner and non-owner paths, merge at
// local zero, merge queues, owners that exit.
#include "refcount.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "object.h"
#include "runtime_fixture.h"
#include "seams.h"
#include "stop_the_world.h"

namespace cyclegc::testing {
namespace {

using RefcountTest = RuntimeTest;

TEST_F(RefcountTest, OwnerCountsAndFreesAtZero) {
  std::atomic<int> destroyed{0};
  Node* n = NewNode(&destroyed);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(cgc_refcount(Obj(n)), 1u);
  EXPECT_EQ(cgc_is_tracked(Obj(n)), 1);
  cgc_incref(Obj(n));
  cgc_incref(Obj(n));
  EXPECT_EQ(cgc_refcount(Obj(n)), 3u);
  EXPECT_EQ(n->header.ob_ref_shared_, 0)
      << "owner increfs must not touch the shared count";
  cgc_decref(Obj(n));
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 0);
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(RefcountTest, CreatedOnAReleasedOnBAndCFreedOnceOnLastReleaser) {
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> destroyed{0};
    std::thread::id destroyed_on;
    Node* n = nullptr;
    std::thread::id a_id;
    RunAttached([&] {
      n = NewNode(&destroyed, &destroyed_on);
      a_id = std::this_thread::get_id();
      cgc_incref(Obj(n));
      cgc_incref(Obj(n));  // one reference each for B and C
    });                    // A detaches and exits still holding its own count
    std::thread::id b_id, c_id;
    std::atomic<int> go{0};
    std::thread b([&] {
      cgc_thread_attach();
      b_id = std::this_thread::get_id();
      go.fetch_add(1);
      while (go.load() < 2) {
      }
      for (int i = 0; i < 1000; ++i) {
        cgc_incref(Obj(n));
        cgc_decref(Obj(n));
      }
      cgc_decref(Obj(n));
      cgc_thread_detach();
    });
    std::thread c([&] {
      cgc_thread_attach();
      c_id = std::this_thread::get_id();
      go.fetch_add(1);
      while (go.load() < 2) {
      }
      for (int i = 0; i < 1000; ++i) {
        cgc_incref(Obj(n));
        cgc_decref(Obj(n));
      }
      cgc_decref(Obj(n));
      cgc_thread_detach();
    });
    b.join();
    c.join();
    EXPECT_EQ(destroyed.load(), 0);
    EXPECT_EQ(cgc_refcount(Obj(n)), 1u);  // A's count
    cgc_decref(Obj(n));                   // main releases A's reference
    EXPECT_EQ(destroyed.load(), 1);
    EXPECT_EQ(destroyed_on, std::this_thread::get_id());
    EXPECT_NE(destroyed_on, a_id);
  }
}

TEST_F(RefcountTest, LastReferenceDroppedByNonOwnerFreesThere) {
  std::atomic<int> destroyed{0};
  std::thread::id destroyed_on;
  Node* n = NewNode(&destroyed, &destroyed_on);
  std::thread::id other;
  std::atomic<int> stage{0};
  std::thread t([&] {
    cgc_thread_attach();
    other = std::this_thread::get_id();
    cgc_incref(Obj(n));  // its own reference, on the shared count
    stage.store(1);
    while (stage.load() != 2) cgc_safepoint();
    cgc_decref(Obj(n));  // merged at zero: destroyed here
    cgc_thread_detach();
  });
  while (stage.load() != 1) {
  }
  cgc_decref(Obj(n));  // owner's local count reaches zero: merge, no owner
  EXPECT_EQ(n->header.ob_tid_, 0u);
  EXPECT_EQ(cgc_refcount(Obj(n)), 1u);
  EXPECT_EQ(destroyed.load(), 0);
  stage.store(2);
  t.join();
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(destroyed_on, other);
}

TEST_F(RefcountTest, NonOwnerDecrefAtSharedZeroQueuesToOwner) {
  std::atomic<int> destroyed{0};
  Node* n = NewNode(&destroyed);
  cgc_incref(Obj(n));
  cgc_incref(Obj(n));                        // local 3
  RunAttached([&] { cgc_decref(Obj(n)); });  // shared would go negative: queued
  EXPECT_NE(n->header.ob_flags_ & internal::kRefInMergeQueue, 0);
  EXPECT_EQ(cgc_refcount(Obj(n)), 2u);
  cgc_safepoint();  // owner drains: merged, owner gives up ownership
  EXPECT_EQ(n->header.ob_flags_ & internal::kRefInMergeQueue, 0);
  EXPECT_EQ(n->header.ob_tid_, 0u);
  EXPECT_EQ(cgc_refcount(Obj(n)), 2u);
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 0);
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(RefcountTest, QueueDrainedWhenCountReachesZeroFreesOnOwner) {
  std::atomic<int> destroyed{0};
  std::thread::id destroyed_on;
  Node* n = NewNode(&destroyed, &destroyed_on);
  cgc_incref(Obj(n));
  RunAttached([&] { cgc_decref(Obj(n)); });  // queued (count held by the queue)
  cgc_decref(Obj(n));                        // local zero: merged, still queued
  EXPECT_EQ(destroyed.load(), 0);
  cgc_safepoint();  // the queue's count goes: zero
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(destroyed_on, std::this_thread::get_id());
}

TEST_F(RefcountTest, QueuedObjectOfExitedOwnerMergesAtOnce) {
  std::atomic<int> destroyed{0};
  Node* n = nullptr;
  RunAttached([&] {
    n = NewNode(&destroyed);
    cgc_incref(Obj(n));
  });                  // owner exits with local count 2
  cgc_decref(Obj(n));  // owner gone: merged at once (2 - 1)
  EXPECT_EQ(n->header.ob_tid_, 0u);
  EXPECT_EQ(cgc_refcount(Obj(n)), 1u);
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 1);
}

// A MergeBatch gathers the hand-overs and makes them when it ends, all at
// once; the objects stay alive meanwhile (the owner's count holds them).
TEST_F(RefcountTest, MergeBatchHandsOverOncePerOwnerWhenItEnds) {
  constexpr int kObjects = 1000;
  std::atomic<int> destroyed{0};
  std::vector<Node*> nodes;
  for (int i = 0; i < kObjects; ++i) {
    nodes.push_back(NewNode(&destroyed));
    cgc_incref(Obj(nodes.back()));  // the other thread's reference
  }
  RunAttached([&] {
    internal::MergeBatch batch;
    internal::MergeBatch nested;  // inactive: the outer batch keeps them
    for (Node* n : nodes) cgc_decref(Obj(n));
    for (Node* n : nodes) {
      ASSERT_EQ(n->header.ob_flags_ & internal::kRefInMergeQueue, 0);
    }
  });  // both batches end: one hand-over
  for (Node* n : nodes) {
    ASSERT_NE(n->header.ob_flags_ & internal::kRefInMergeQueue, 0);
  }
  for (Node* n : nodes) cgc_decref(Obj(n));  // local zero: still queued
  EXPECT_EQ(destroyed.load(), 0);
  cgc_safepoint();  // the queue's counts go: all die here
  EXPECT_EQ(destroyed.load(), kObjects);
}

// A node whose destroy takes about 20 us (busy, not blocking).
void SlowNodeDestroy(cgc_object* self) {
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::microseconds(20);
  while (std::chrono::steady_clock::now() < until) {
  }
  NodeDestroy(self);
}
const cgc_type kSlowNodeType = {sizeof(cgc_type), "SlowNode", NodeTraverse,
                                NodeClear,        nullptr,    SlowNodeDestroy};

// An owner draining a long merge queue parks for a stop between objects: the
// deaths it runs must not keep the stop waiting for the whole queue.
TEST_F(RefcountTest, LongDrainParksForAStopMidway) {
  constexpr int kObjects = 4000;  // about 80 ms of deaths
  std::atomic<int> destroyed{0};
  std::atomic<int> step{0};
  std::vector<Node*> nodes;
  std::thread owner([&] {
    ASSERT_EQ(cgc_thread_attach(), 0) << cgc_last_error();
    for (int i = 0; i < kObjects; ++i) {
      auto* n =
          reinterpret_cast<Node*>(cgc_alloc(&kSlowNodeType, sizeof(Node)));
      ASSERT_NE(n, nullptr);
      n->destroyed = &destroyed;
      nodes.push_back(n);
    }
    step = 1;
    while (step != 2) std::this_thread::yield();
    cgc_safepoint();  // drains the queue: every object dies here
    cgc_thread_detach();
  });
  while (step != 1) std::this_thread::yield();
  // The owner's references, dropped by another thread: all queued to it.
  RunAttached([&] {
    for (Node* n : nodes) cgc_decref(Obj(n));
  });
  step = 2;
  while (destroyed.load() < 64) std::this_thread::yield();
  internal::StopTheWorld();
  const int at_stop = destroyed.load();  // the owner is parked: stable
  internal::StartTheWorld();
  owner.join();
  EXPECT_LT(at_stop, kObjects) << "the stop waited for the whole drain";
  EXPECT_EQ(destroyed.load(), kObjects);
}

// If the owner exits before the batch ends, the batch merges its objects
// (and releases those at zero) itself.
TEST_F(RefcountTest, MergeBatchMergesObjectsOfAnOwnerThatExited) {
  std::atomic<int> destroyed{0};
  std::vector<Node*> nodes;
  std::atomic<int> step{0};
  std::thread owner([&] {
    cgc_thread_attach();
    for (int i = 0; i < 3; ++i) nodes.push_back(NewNode(&destroyed));
    cgc_incref(Obj(nodes[0]));  // nodes[0] keeps one reference after all
    step = 1;
    while (step != 2) std::this_thread::yield();
    cgc_thread_detach();  // exits with local counts 2, 1, 1
  });
  while (step != 1) std::this_thread::yield();
  {
    internal::MergeBatch batch;
    for (Node* n : nodes) cgc_decref(Obj(n));  // batched: owner still there
    step = 2;
    owner.join();
    EXPECT_EQ(destroyed.load(), 0);
  }  // owner gone: merged here; two reach zero
  EXPECT_EQ(destroyed.load(), 2);
  EXPECT_EQ(cgc_refcount(Obj(nodes[0])), 1u);
  cgc_decref(Obj(nodes[0]));
  EXPECT_EQ(destroyed.load(), 3);
}

TEST_F(RefcountTest, CollectionMergesQueuesWhileStopped) {
  std::atomic<int> destroyed{0};
  Node* n = NewNode(&destroyed);
  cgc_incref(Obj(n));
  cgc_incref(Obj(n));
  std::atomic<bool> queued{false}, stop{false};
  std::thread t([&] {
    cgc_thread_attach();
    cgc_decref(Obj(n));  // queued to main, which does not poll yet
    queued.store(true);
    while (!stop.load()) cgc_safepoint();
    cgc_thread_detach();
  });
  while (!queued.load()) {
  }
  internal::StopTheWorld();
  internal::MergeRefcountsWhileStopped();
  EXPECT_EQ(internal::TotalRefcount(Obj(n)), 2u);
  EXPECT_EQ(n->header.ob_flags_ & internal::kRefInMergeQueue, 0);
  internal::StartTheWorld();
  stop.store(true);
  t.join();
  cgc_decref(Obj(n));
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(RefcountTest, ManyThreadsSharedObjectExactCount) {
  std::atomic<int> destroyed{0};
  Node* n = NewNode(&destroyed);
  constexpr int kThreads = 4;
  constexpr int kIters = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    cgc_incref(Obj(n));
    threads.emplace_back([&] {
      cgc_thread_attach();
      for (int i = 0; i < kIters; ++i) {
        cgc_incref(Obj(n));
        cgc_incref(Obj(n));
        cgc_decref(Obj(n));
        cgc_decref(Obj(n));
        if (i % 128 == 0) cgc_safepoint();
      }
      cgc_decref(Obj(n));
      cgc_thread_detach();
    });
  }
  for (int i = 0; i < kIters; ++i) {
    cgc_incref(Obj(n));
    cgc_decref(Obj(n));
  }
  for (auto& t : threads) t.join();
  cgc_safepoint();
  EXPECT_EQ(cgc_refcount(Obj(n)), 1u);
  EXPECT_EQ(destroyed.load(), 0);
  cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), 1);
}

#ifndef NDEBUG
TEST(RefcountDeathTest, DecrefBelowZeroNamesTheType) {
  EXPECT_DEATH(
      {
        cgc_config config;
        cgc_config_default(&config);
        config.threshold = 0;
        cgc_init(&config);
        Node* n = NewNode();  // one reference, released three times
        std::thread t([&] {
          cgc_thread_attach();
          cgc_decref(Obj(n));  // queued to the owner
          cgc_decref(Obj(n));  // shared count goes negative (unmerged)
          cgc_thread_detach();
        });
        t.join();
        cgc_decref(Obj(n));  // owner's merge finds the total below zero
      },
      "decref below zero.*TestNode");
}
#endif

}  // namespace
}  // namespace cyclegc::testing
