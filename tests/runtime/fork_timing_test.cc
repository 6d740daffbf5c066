// fork() at each moment of a collection or of another thread's runtime work:
// the child must still collect and shut down. A hang in the child ends at its
// alarm and fails the test instead of hanging ctest.
#include <atomic>
#include <thread>

#include "dealloc.h"
#include "fork_test_util.h"
#include "runtime_fixture.h"
#include "thread_state.h"

#if defined(CGC_TEST_LSAN)
// glibc's node for a vanished thread's thread_local destructors (calloc'd in
// __cxa_thread_atexit_impl, linked from that thread's TLS): not the library's
// memory, and no one in the child can reach or free it.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:__cxa_thread_atexit_impl\n";
}
#endif

namespace cyclegc::testing {
namespace {

using ForkTimingTest = RuntimeTest;

// Thread `owner` allocated the nodes; the test thread drops the references it
// was handed, which queues them to the owner (a non-owner found the shared
// count at zero).
void QueueToOwner(Node* n) { cgc_decref(Obj(n)); }

// In the child: the object queued behind the one whose destroy the fork cut
// short was the vanished thread's to merge; a collection must still free it.
int ChildFreesObjectQueuedBehindTheDrain(const std::atomic<int>& destroyed) {
  cgc_collect();
  int failures = destroyed.load() == 1 ? 0 : 1;
  if (failures != 0) ChildNote("object queued behind the drain not freed");
  return failures + CollectCycleAndShutDown();
}

TEST_F(ForkTimingTest, FinalizerRunningOnAnotherThread) {
  ResetSlowHooks();
  std::thread a([] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    MakeSelfCycle(&kSlowFinalizeType);
    cgc_collect();  // the finalizer sleeps; the fork lands meanwhile
    cgc_thread_detach();
  });
  WaitForSlowHook();
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([] { return CollectCycleAndShutDown(); });
  cgc_blocking_end();
  JoinBracketed(a);
}

TEST_F(ForkTimingTest, ThreadDetaching) {
  ResetSlowHooks();
  std::atomic<Node*> slow{nullptr}, after{nullptr};
  std::atomic<bool> queued{false};
  std::atomic<int> after_destroyed{0};
  std::thread b([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    slow.store(NewSlowNode(&kSlowDestroyType));
    after.store(NewNode(&after_destroyed));
    // No safepoint here: the queue must be drained by the detach.
    while (!queued.load()) std::this_thread::yield();
    cgc_thread_detach();  // drains: the slow destroy runs, the fork lands
  });
  while (after.load() == nullptr) std::this_thread::yield();
  QueueToOwner(slow.load());
  QueueToOwner(after.load());
  queued.store(true);
  WaitForSlowHook();
  ExpectChildCollectsAndExits(
      [&] { return ChildFreesObjectQueuedBehindTheDrain(after_destroyed); });
  JoinBracketed(b);
}

TEST_F(ForkTimingTest, ThreadDrainingItsMergeQueue) {
  ResetSlowHooks();
  std::atomic<Node*> slow{nullptr}, after{nullptr};
  std::atomic<bool> queued{false}, done{false};
  std::atomic<int> after_destroyed{0};
  std::thread b([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    slow.store(NewSlowNode(&kSlowDestroyType));
    after.store(NewNode(&after_destroyed));
    while (!queued.load()) cgc_safepoint();
    cgc_safepoint();  // drains: the slow destroy runs, the fork lands
    while (!done.load()) cgc_safepoint();
    cgc_thread_detach();
  });
  while (after.load() == nullptr) std::this_thread::yield();
  QueueToOwner(slow.load());
  QueueToOwner(after.load());
  queued.store(true);
  WaitForSlowHook();
  ExpectChildCollectsAndExits(
      [&] { return ChildFreesObjectQueuedBehindTheDrain(after_destroyed); });
  done.store(true);
  JoinBracketed(b);
}

TEST_F(ForkTimingTest, ThreadEmptyingItsTrashcan) {
  ResetSlowHooks();
  constexpr int kChain = internal::kMaxDeallocDepth + 10;
  std::atomic<int> destroyed{0};
  std::thread b([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    Node* head = NewSlowNode(&kSlowDestroyType, &destroyed);
    Node* tail = head;
    for (int i = 1; i < kChain; ++i) {
      Node* n = NewNode(&destroyed);
      tail->next = Obj(n);
      tail = n;
    }
    // The head's clear frees the chain down to the trashcan depth; the node
    // past it waits on this thread's list while the head's slow destroy runs
    // (and the fork lands).
    cgc_decref(Obj(head));
    cgc_thread_detach();
  });
  WaitForSlowHook();
  ExpectChildCollectsAndExits([&] {
    int failures = CollectCycleAndShutDown();
    // All but the head, whose destroy was running on the vanished thread.
    if (destroyed.load() != kChain - 1) {
      ChildNote("a node on the vanished thread's trashcan list not destroyed");
      ++failures;
    }
    return failures;
  });
  JoinBracketed(b);
}

TEST_F(ForkTimingTest, StopperReleasingWhatItsStopFoundDead) {
  ResetSlowHooks();
  std::atomic<Node*> slow{nullptr}, after{nullptr};
  std::atomic<bool> bracketed{false}, done{false};
  std::atomic<int> after_destroyed{0};
  std::thread owner([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    slow.store(NewSlowNode(&kSlowDestroyType));
    after.store(NewNode(&after_destroyed));
    // Blocked: its queue is drained only by the stopper.
    cgc_blocking_begin();
    bracketed.store(true);
    while (!done.load()) std::this_thread::yield();
    cgc_blocking_end();
    cgc_thread_detach();
  });
  while (!bracketed.load()) std::this_thread::yield();
  QueueToOwner(slow.load());
  QueueToOwner(after.load());
  std::thread collector([] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    // Its first stop merges both to zero; once the world runs again it
    // destroys them in order: the slow destroy runs, the fork lands.
    cgc_collect();
    cgc_thread_detach();
  });
  WaitForSlowHook();
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([&] {
    int failures = CollectCycleAndShutDown();
    if (after_destroyed.load() != 1) {
      ChildNote("object the vanished stopper was to release not freed");
      ++failures;
    }
    return failures;
  });
  cgc_blocking_end();
  done.store(true);
  JoinBracketed(collector);
  JoinBracketed(owner);
}

std::atomic<int> g_callbacks_run{0};
void SlowCallback(cgc_weakref*, void*) {
  g_callbacks_run.fetch_add(1);
  SlowHook();
}

// The weakrefs whose callbacks the collection queued are freed by their
// holder while the first callback runs; the fork lands then.
TEST_F(ForkTimingTest, WeakrefCallbacksRunningOnAnotherThread) {
  ResetSlowHooks();
  g_callbacks_run = 0;
  std::atomic<cgc_weakref*> weak[2] = {nullptr, nullptr};
  std::thread a([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    for (auto& w : weak) {
      Node* n = NewNode();
      w.store(cgc_weakref_new(Obj(n), &SlowCallback, nullptr));
      cgc_incref(Obj(n));
      n->next = Obj(n);
      cgc_decref(Obj(n));
    }
    cgc_collect();
    cgc_thread_detach();
  });
  WaitForSlowHook();
  for (auto& w : weak) cgc_weakref_free(w.exchange(nullptr));
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([] { return CollectCycleAndShutDown(); });
  cgc_blocking_end();
  JoinBracketed(a);
  EXPECT_EQ(g_callbacks_run.load(), 1) << "a freed weakref's callback ran";
}

// A collection releases trash whose owner has exited: its batch hands the
// objects over, finds the owner gone, merges them to zero and destroys them;
// the first destroy is slow and the fork lands.
TEST_F(ForkTimingTest, CollectionReleasingToAnExitedOwner) {
  ResetSlowHooks();
  std::atomic<int> destroyed{0};
  std::atomic<bool> ready{false}, go{false};
  // Attached before the owner exits, so it cannot inherit the owner's id.
  std::thread collector([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    ready.store(true);
    while (!go.load()) cgc_safepoint();
    cgc_collect();
    cgc_thread_detach();
  });
  while (!ready.load()) std::this_thread::yield();
  std::thread owner([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    Node* s = NewSlowNode(&kSlowDestroyType, &destroyed);
    Node* t = NewNode(&destroyed);
    s->next = Obj(t);
    cgc_incref(Obj(s));
    t->next = Obj(s);
    cgc_decref(Obj(s));  // s <-> t: trash owned by this thread
    cgc_thread_detach();
  });
  JoinBracketed(owner);
  go.store(true);
  WaitForSlowHook();
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([&] {
    int failures = CollectCycleAndShutDown();
    // t, before the fork or at shutdown; s's destroy ran on the vanished
    // thread.
    if (destroyed.load() != 1) {
      ChildNote("the other object of the released cycle not destroyed");
      ++failures;
    }
    return failures;
  });
  cgc_blocking_end();
  JoinBracketed(collector);
}

TEST_F(ForkTimingTest, CollectionStoppingTheWorld) {
  ResetSlowHooks(2);
  std::thread a([] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    // The slow traverse signals with the world stopped; the slow finalizer
    // keeps the collection running once the world restarts.
    MakeSelfCycle(&kSlowTraverseType);
    MakeSelfCycle(&kSlowFinalizeType);
    cgc_collect();
    cgc_thread_detach();
  });
  WaitForSlowHook();  // the world is stopped now
  cgc_blocking_begin();
  // fork() waits for the stop to end (its prepare handler takes the registry
  // lock the stopper holds).
  ExpectChildCollectsAndExits([] { return CollectCycleAndShutDown(); });
  cgc_blocking_end();
  JoinBracketed(a);
}

TEST_F(ForkTimingTest, ForkInsideABracketStaysInside) {
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([] {
    // The child's thread is still inside the bracket it forked in.
    bool blocking = internal::CurrentThread()->status.load() ==
                    internal::ThreadStatus::kBlocking;
    if (!blocking) ChildNote("child left the bracket");
    cgc_blocking_end();
    return (blocking ? 0 : 1) + CollectCycleAndShutDown();
  });
  EXPECT_EQ(internal::CurrentThread()->status.load(),
            internal::ThreadStatus::kBlocking)
      << "fork() ended the parent's blocking bracket";
  cgc_blocking_end();
}

// Automatic collection: a triggered collection runs elsewhere at the fork.
class ForkTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cgc_config config;
    cgc_config_default(&config);
    config.threshold = 100;
    config.trigger = CGC_TRIGGER_COUNT;
    ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }
};

TEST_F(ForkTriggerTest, TriggeredCollectionRunningOnAnotherThread) {
  ResetSlowHooks();
  std::thread a([] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    MakeSelfCycle(&kSlowFinalizeType);
    // Enough young objects for a batch and the threshold: the collection
    // triggers here and finds the slow finalizer.
    for (int i = 0;
         i < 2 * static_cast<int>(internal::kYoungBatch) && !SlowHookStarted();
         ++i) {
      cgc_decref(Obj(NewNode()));
      MakeSelfCycle(&kNodeType);
    }
    cgc_thread_detach();
  });
  WaitForSlowHook();
  cgc_blocking_begin();
  ExpectChildCollectsAndExits([] {
    cgc_stats before{};
    cgc_get_stats(&before);
    std::atomic<int> destroyed{0};
    for (int i = 0; i < 4 * static_cast<int>(internal::kYoungBatch); ++i) {
      MakeSelfCycle(&kNodeType, &destroyed);
    }
    cgc_stats after{};
    cgc_get_stats(&after);
    int failures = 0;
    if (after.collections == before.collections || destroyed.load() == 0) {
      ChildNote("no automatic collection ran in the child");
      ++failures;
    }
    cgc_shutdown();
    return failures + ChildLeaksNothing();
  });
  cgc_blocking_end();
  JoinBracketed(a);
}

}  // namespace
}  // namespace cyclegc::testing
