// Weak references: cleared at the target's death (collected or refcounted),
// callbacks once and only for live weakrefs, get against concurrent death.
#include <atomic>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class WeakrefTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
  }
};

struct CallbackLog {
  std::atomic<int> calls{0};
  cgc_weakref* last = nullptr;
};

void CountCallback(cgc_weakref* w, void* arg) {
  auto* log = static_cast<CallbackLog*>(arg);
  log->calls.fetch_add(1);
  log->last = w;
}

TEST_F(WeakrefTest, ClearedWhenCycleIsCollectedCallbackRunsOnce) {
  cgc_object* a = NewNode();
  Link(a, 0, a);
  CallbackLog log;
  cgc_weakref* w = cgc_weakref_new(a, &CountCallback, &log);
  ASSERT_NE(w, nullptr);
  cgc_object* got = cgc_weakref_get(w);
  EXPECT_EQ(got, a);
  cgc_decref(got);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(log.calls.load(), 1);
  EXPECT_EQ(log.last, w);
  EXPECT_EQ(cgc_weakref_get(w), nullptr);
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_EQ(log.calls.load(), 1);
  cgc_weakref_free(w);
}

TEST_F(WeakrefTest, ClearedWhenTargetDiesByRefcounting) {
  cgc_object* a = NewNode();
  CallbackLog log;
  cgc_weakref* w = cgc_weakref_new(a, &CountCallback, &log);
  cgc_decref(a);
  EXPECT_EQ(g_counters.destroyed.load(), 1);
  EXPECT_EQ(log.calls.load(), 1);
  EXPECT_EQ(cgc_weakref_get(w), nullptr);
  cgc_weakref_free(w);
}

TEST_F(WeakrefTest, FreedWeakrefGetsNoCallback) {
  cgc_object* a = NewNode();
  Link(a, 0, a);
  CallbackLog log;
  cgc_weakref* freed = cgc_weakref_new(a, &CountCallback, &log);
  CallbackLog kept_log;
  cgc_weakref* kept = cgc_weakref_new(a, &CountCallback, &kept_log);
  cgc_weakref_free(freed);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(log.calls.load(), 0);
  EXPECT_EQ(kept_log.calls.load(), 1);
  cgc_weakref_free(kept);
}

TEST_F(WeakrefTest, WeakrefToLiveObjectStaysValid) {
  cgc_object* a = NewNode();
  Link(a, 0, a);  // a cycle, but held by the test
  CallbackLog log;
  cgc_weakref* w = cgc_weakref_new(a, &CountCallback, &log);
  EXPECT_EQ(cgc_collect(), 0u);
  cgc_object* got = cgc_weakref_get(w);
  EXPECT_EQ(got, a);
  cgc_decref(got);
  EXPECT_EQ(log.calls.load(), 0);
  cgc_weakref_free(w);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(log.calls.load(), 0);
}

void FreeSelfCallback(cgc_weakref* w, void* arg) {
  static_cast<CallbackLog*>(arg)->calls.fetch_add(1);
  cgc_weakref_free(w);  // the common pattern: the callback owns the weakref
}

TEST_F(WeakrefTest, CallbackMayFreeItsWeakref) {
  cgc_object* a = NewNode();
  Link(a, 0, a);
  CallbackLog log;
  ASSERT_NE(cgc_weakref_new(a, &FreeSelfCallback, &log), nullptr);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(log.calls.load(), 1);
}

cgc_object* g_held_by_callback = nullptr;
void DropHeldCallback(cgc_weakref*, void*) {
  cgc_object* o = g_held_by_callback;
  g_held_by_callback = nullptr;
  cgc_decref(o);  // the last reference to a live (non-trash) chain
}

TEST_F(WeakrefTest, CallbackThatDropsTheLastReferenceToOtherObjects) {
  g_held_by_callback = NewNode();
  cgc_object* chain = g_held_by_callback;
  for (int i = 0; i < 10; ++i) {
    cgc_object* n = NewNode();
    Link(chain, 0, n);
    cgc_decref(n);
    chain = n;
  }
  cgc_object* a = NewNode();
  Link(a, 0, a);
  cgc_weakref* w = cgc_weakref_new(a, &DropHeldCallback, nullptr);
  cgc_decref(a);
  EXPECT_EQ(cgc_collect(), 1u);
  EXPECT_EQ(g_held_by_callback, nullptr);
  EXPECT_EQ(g_counters.destroyed.load(), 12);  // the cycle + the 11-node chain
  cgc_weakref_free(w);
}

TEST_F(WeakrefTest, BadArgumentsFailClearly) {
  EXPECT_EQ(cgc_weakref_new(nullptr, nullptr, nullptr), nullptr);
  EXPECT_NE(std::string(cgc_last_error()).find("target is NULL"),
            std::string::npos);
  EXPECT_EQ(cgc_weakref_get(nullptr), nullptr);
  cgc_weakref_free(nullptr);  // no-op
}

// get() on other threads while the owner drops the last reference and
// collections run: get never returns a dead object.
TEST_F(WeakrefTest, GetIsSafeAgainstConcurrentDeathAndCollection) {
  constexpr int kRounds = 300;
  constexpr int kReaders = 2;
  for (int round = 0; round < kRounds; ++round) {
    cgc_object* a = NewNode();
    if (round % 2 == 0) Link(a, 0, a);  // half die by collection
    cgc_weakref* w = cgc_weakref_new(a, nullptr, nullptr);
    std::atomic<bool> go{false};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&] {
        ASSERT_EQ(cgc_thread_attach(), CGC_OK);
        while (!go.load()) cgc_safepoint();
        for (int i = 0; i < 200; ++i) {
          cgc_object* got = cgc_weakref_get(w);
          if (got == nullptr) break;
          EXPECT_TRUE(Intact(got));
          cgc_decref(got);
          cgc_safepoint();
        }
        cgc_thread_detach();
      });
    }
    go = true;
    cgc_decref(a);
    cgc_collect();
    cgc_blocking_begin();
    for (auto& t : readers) t.join();
    cgc_blocking_end();
    cgc_collect();  // whatever a reader resurrected is released by now
    EXPECT_EQ(cgc_weakref_get(w), nullptr);
    cgc_weakref_free(w);
  }
  EXPECT_EQ(g_counters.destroyed.load(), kRounds);
}

}  // namespace
}  // namespace cyclegc::testing
