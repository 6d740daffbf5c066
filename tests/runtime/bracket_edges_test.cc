// A thread counted as stopped must not change the heap a stopper walks: the
// edges of blocking brackets and of attachment (detaching inside a bracket,
// cgc_malloc/cgc_free inside one, reference counting in thread-exit
// destructors).
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime_fixture.h"
#include "seams.h"

namespace cyclegc::testing {
namespace {

using BracketEdgesTest = RuntimeTest;

// Set by the test thread between StopTheWorld() returning and StartTheWorld():
// anything that runs while it is set ran during a completed stop.
std::atomic<bool> g_stop_complete{false};
std::atomic<bool> g_ran_during_stop{false};
std::atomic<bool> g_in_destroy{false};

void WatchedDestroy(cgc_object*) {
  g_in_destroy.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (g_stop_complete.load()) g_ran_during_stop.store(true);
}
const cgc_type kWatchedType = {sizeof(cgc_type), "Watched", nullptr,
                               nullptr,          nullptr,   WatchedDestroy};

void ResetWatch() {
  g_stop_complete.store(false);
  g_ran_during_stop.store(false);
  g_in_destroy.store(false);
}

// Stops the world (the caller is attached), holds it `hold_ms`, restarts.
void HoldAStop(int hold_ms) {
  internal::StopTheWorld();
  g_stop_complete.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
  g_stop_complete.store(false);
  internal::StartTheWorld();
}

void JoinBracketed(std::thread& t) {
  cgc_blocking_begin();
  t.join();
  cgc_blocking_end();
}

TEST_F(BracketEdgesTest, DetachInsideABracketDoesNotRunDeathsStopped) {
  ResetWatch();
  std::atomic<cgc_object*> watched{nullptr};
  std::atomic<bool> queued{false};
  std::thread t([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    watched.store(cgc_alloc(&kWatchedType, sizeof(cgc_object)));
    cgc_blocking_begin();
    while (!queued.load()) std::this_thread::yield();
    cgc_thread_detach();  // inside the bracket: drains, the destroy runs
  });
  while (watched.load() == nullptr) std::this_thread::yield();
  cgc_decref(watched.load());  // a non-owner's last reference: queued to t
  queued.store(true);
  while (!g_in_destroy.load()) std::this_thread::yield();
  HoldAStop(300);
  JoinBracketed(t);
  EXPECT_FALSE(g_ran_during_stop.load())
      << "a destroy ran on a detaching thread while the world was stopped";
}

// cgc_malloc and cgc_free inside a bracket wait out a stop.
TEST_F(BracketEdgesTest, MallocAndFreeInsideABracketWaitOutAStop) {
  for (bool use_free : {false, true}) {
    std::atomic<bool> in_bracket{false}, go{false}, during{false};
    std::thread t([&] {
      ASSERT_EQ(cgc_thread_attach(), 0);
      void* p = cgc_malloc(64);
      cgc_blocking_begin();
      in_bracket.store(true);
      while (!go.load()) std::this_thread::yield();
      if (use_free) {
        cgc_free(p);
        p = nullptr;
      } else {
        cgc_free(cgc_malloc(100000));
      }
      during.store(g_stop_complete.load());
      cgc_blocking_end();
      cgc_free(p);
      cgc_thread_detach();
    });
    while (!in_bracket.load()) std::this_thread::yield();
    internal::StopTheWorld();
    g_stop_complete.store(true);
    go.store(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    g_stop_complete.store(false);
    internal::StartTheWorld();
    JoinBracketed(t);
    EXPECT_FALSE(during.load())
        << (use_free ? "cgc_free" : "cgc_malloc")
        << " inside a bracket returned while the world was stopped";
  }
}

// A pthread-key destructor (they run after every thread_local destructor,
// the runtime's exit hook included) drops the last reference to an object
// the exiting thread owns: the thread must still count as attached, so the
// death cannot run during a stop that did not wait for it.
std::atomic<bool> g_in_key_destructor{false};

void DropInKeyDestructor(void* o) {
  g_in_key_destructor.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  cgc_decref(static_cast<cgc_object*>(o));
}

TEST_F(BracketEdgesTest, ThreadExitDestructorsRunAttached) {
  ResetWatch();
  g_in_key_destructor.store(false);
  pthread_key_t key;
  ASSERT_EQ(pthread_key_create(&key, DropInKeyDestructor), 0);
  std::thread t([&] {
    ASSERT_EQ(cgc_thread_attach(), 0);
    pthread_setspecific(key, cgc_alloc(&kWatchedType, sizeof(cgc_object)));
    // Returns attached: the exit hook detaches.
  });
  while (!g_in_key_destructor.load()) std::this_thread::yield();
  HoldAStop(400);
  JoinBracketed(t);
  pthread_key_delete(key);
  EXPECT_TRUE(g_in_destroy.load());
  EXPECT_FALSE(g_ran_during_stop.load())
      << "a death in a thread-exit destructor ran while the world was stopped";
}

}  // namespace
}  // namespace cyclegc::testing
