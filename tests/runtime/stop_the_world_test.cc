// Stop-the-world with threads in tight loops, in blocking sections, and
// attaching/exiting around stops.
#include "stop_the_world.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "registry.h"
#include "runtime_fixture.h"
#include "seams.h"

namespace cyclegc::testing {
namespace {

using StopTheWorldTest = RuntimeTest;

// Nothing may run while stopped: counters of spinning threads do not move.
TEST_F(StopTheWorldTest, TightLoopsParkAtSafepoints) {
  constexpr int kThreads = 4;
  std::atomic<bool> done{false};
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> counters;
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    counters.push_back(std::make_unique<std::atomic<uint64_t>>(0));
    threads.emplace_back([&, c = counters.back().get()] {
      cgc_thread_attach();
      started.fetch_add(1);
      while (!done.load(std::memory_order_relaxed)) {
        c->fetch_add(1, std::memory_order_relaxed);
        cgc_safepoint();
      }
      cgc_thread_detach();
    });
  }
  while (started.load() < kThreads) {
  }
  for (int round = 0; round < 20; ++round) {
    internal::StopTheWorld();
    EXPECT_TRUE(internal::WorldStopped());
    std::vector<uint64_t> before;
    for (auto& c : counters) before.push_back(c->load());
    for (int i = 0; i < 50; ++i) std::this_thread::yield();
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(counters[t]->load(), before[t]);
    internal::StartTheWorld();
    EXPECT_FALSE(internal::WorldStopped());
  }
  done.store(true);
  for (auto& t : threads) t.join();
}

TEST_F(StopTheWorldTest, BlockingSectionsCountAsStoppedAndWaitOnExit) {
  std::atomic<bool> in_blocking{false}, leave{false}, left{false};
  std::thread t([&] {
    cgc_thread_attach();
    cgc_blocking_begin();
    in_blocking.store(true);
    while (!leave.load())
      std::this_thread::yield();  // "blocked" without safepoints
    cgc_blocking_end();           // must wait while the world is stopped
    left.store(true);
    cgc_thread_detach();
  });
  while (!in_blocking.load()) {
  }
  internal::StopTheWorld();  // completes although t never polls
  leave.store(true);
  for (int i = 0; i < 200; ++i) std::this_thread::yield();
  EXPECT_FALSE(left.load());
  internal::StartTheWorld();
  t.join();
  EXPECT_TRUE(left.load());
}

TEST_F(StopTheWorldTest, ThreadExitingMidStopWaitsForRestart) {
  std::atomic<bool> in_blocking{false}, leave{false};
  std::thread t([&] {
    cgc_thread_attach();
    cgc_blocking_begin();
    in_blocking.store(true);
    while (!leave.load()) std::this_thread::yield();
    // Returns without blocking_end or detach: the exit hook detaches, which
    // must wait for the world to restart.
  });
  while (!in_blocking.load()) {
  }
  internal::StopTheWorld();
  leave.store(true);
  for (int i = 0; i < 200; ++i) std::this_thread::yield();
  EXPECT_EQ(internal::ThreadCount(), 2u);  // stopper may read the registry
  internal::StartTheWorld();
  t.join();
  absl::ReaderMutexLock lock(&internal::RegistryMutex());
  EXPECT_EQ(internal::ThreadCount(), 1u);
}

TEST_F(StopTheWorldTest, ThreadsAttachingAndExitingAcrossStops) {
  std::atomic<bool> done{false};
  std::vector<std::thread> churners;
  for (int t = 0; t < 3; ++t) {
    churners.emplace_back([&, t] {
      while (!done.load()) {
        std::thread worker([t] {
          cgc_thread_attach();
          for (int i = 0; i < 200; ++i) {
            Node* n = NewNode();
            cgc_decref(Obj(n));
            cgc_safepoint();
          }
          if (t % 2 == 0) cgc_thread_detach();  // others exit attached
        });
        worker.join();
      }
    });
  }
  for (int round = 0; round < 100; ++round) {
    internal::StopTheWorld();
    internal::MergeRefcountsWhileStopped();
    internal::StartTheWorld();
  }
  done.store(true);
  for (auto& t : churners) t.join();
}

// A non-owner decref that queues to the owner takes the registry lock; a stop
// holds it. The queueing thread must count as stopped while it waits.
TEST_F(StopTheWorldTest, QueueingToOwnersDuringStops) {
  constexpr int kObjects = 20000;
  std::atomic<int> destroyed{0};
  std::vector<Node*> objects;
  for (int i = 0; i < kObjects; ++i) {
    Node* n = NewNode(&destroyed);
    cgc_incref(Obj(n));  // local 2: the worker's decref queues it to us
    objects.push_back(n);
  }
  std::atomic<bool> done{false};
  std::thread worker([&] {
    cgc_thread_attach();
    for (Node* n : objects) {
      cgc_decref(Obj(n));
      cgc_safepoint();
    }
    done.store(true);
    cgc_thread_detach();
  });
  while (!done.load()) {
    internal::StopTheWorld();
    internal::MergeRefcountsWhileStopped();
    internal::StartTheWorld();
  }
  worker.join();
  cgc_safepoint();
  for (Node* n : objects) cgc_decref(Obj(n));
  EXPECT_EQ(destroyed.load(), kObjects);
}

// Allocation is a safepoint: threads that allocate (objects or payload) and
// never call cgc_safepoint still let a stop complete, and allocate nothing
// while stopped. Without the poll in cgc_alloc/cgc_malloc, StopTheWorld waits
// until the loops end at their 20 s deadline, and the check below fails.
TEST_F(StopTheWorldTest, AllocatingThreadsParkWithoutPolling) {
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::atomic<uint64_t> allocations{0};
  std::atomic<bool> hit_deadline{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, payload = t == 1] {
      ASSERT_EQ(cgc_thread_attach(), 0) << cgc_last_error();
      started.fetch_add(1);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!done.load(std::memory_order_relaxed)) {
        if (payload) {
          cgc_free(cgc_malloc(64));
        } else {
          cgc_decref(Obj(NewNode()));
        }
        if ((allocations.fetch_add(1, std::memory_order_relaxed) & 1023) ==
                0 &&
            std::chrono::steady_clock::now() > deadline) {
          hit_deadline.store(true);
          break;
        }
      }
      cgc_thread_detach();
    });
  }
  while (started.load() < 2) {
  }
  for (int round = 0; round < 10; ++round) {
    internal::StopTheWorld();
    const uint64_t before = allocations.load();
    for (int i = 0; i < 50; ++i) std::this_thread::yield();
    // A thread may be between its allocation and the count's increment.
    EXPECT_LE(allocations.load(), before + 2);
    internal::StartTheWorld();
  }
  EXPECT_FALSE(hit_deadline.load());
  done.store(true);
  for (auto& t : threads) t.join();
}

TEST_F(StopTheWorldTest, ReportsTimeToSafepoint) {
  std::atomic<bool> done{false};
  std::thread spinner([&] {
    cgc_thread_attach();
    while (!done.load()) cgc_safepoint();
    cgc_thread_detach();
  });
  const uint64_t tts = internal::StopTheWorld();
  EXPECT_EQ(internal::LastTimeToSafepointNs(), tts);
  internal::StartTheWorld();
  done.store(true);
  spinner.join();
}

}  // namespace
}  // namespace cyclegc::testing
