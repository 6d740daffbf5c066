// The C++ API: Ref<T> counting, Make<T> construction/destruction, Trace used
// for traverse and clear, WeakRef<T>.
#include <atomic>
#include <stdexcept>
#include <thread>

#include "cyclegc/cyclegc.hpp"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

std::atomic<int> g_alive{0};

struct Pair : cyclegc::Object {
  static constexpr const char* kTypeName = "Pair";
  explicit Pair(int v) : value(v) { g_alive.fetch_add(1); }
  ~Pair() { g_alive.fetch_sub(1); }
  void Trace(cyclegc::Visitor& v) {
    v(left);
    v(right);
  }
  cyclegc::Ref<Pair> left;
  cyclegc::Ref<Pair> right;
  int value;
};

struct Throws : cyclegc::Object {
  Throws() { throw std::runtime_error("no"); }
};

using CppApiTest = RuntimeTest;

TEST_F(CppApiTest, RefCountsAndDestroysRunsDestructor) {
  {
    cyclegc::Ref<Pair> a = cyclegc::Make<Pair>(7);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->value, 7);
    EXPECT_EQ(cgc_refcount(a.header()), 1u);
    cyclegc::Ref<Pair> b = a;
    EXPECT_EQ(cgc_refcount(a.header()), 2u);
    cyclegc::Ref<Pair> c = std::move(b);
    EXPECT_FALSE(b);
    EXPECT_EQ(cgc_refcount(a.header()), 2u);
    a->left = cyclegc::Make<Pair>(1);
    EXPECT_EQ(g_alive.load(), 2);
    EXPECT_STREQ(cyclegc::TypeFor<Pair>()->name, "Pair");
  }
  EXPECT_EQ(g_alive.load(), 0);
}

int CountVisits(cgc_object*, void* arg) {
  ++*static_cast<int*>(arg);
  return 0;
}

TEST_F(CppApiTest, TraceServesTraverseAndClear) {
  cyclegc::Ref<Pair> a = cyclegc::Make<Pair>(1);
  a->left = cyclegc::Make<Pair>(2);
  a->right = a;  // self cycle
  int visits = 0;
  cyclegc::TypeFor<Pair>()->traverse(a.header(), CountVisits, &visits);
  EXPECT_EQ(visits, 2);
  EXPECT_EQ(g_alive.load(), 2);
  cyclegc::TypeFor<Pair>()->clear(a.header());  // what the collector does
  EXPECT_FALSE(a->right);
  EXPECT_EQ(g_alive.load(), 1);
  a.Reset();
  EXPECT_EQ(g_alive.load(), 0);
}

TEST_F(CppApiTest, RefsCrossThreads) {
  cyclegc::Ref<Pair> a = cyclegc::Make<Pair>(3);
  std::thread([copy = a]() mutable {
    cgc_thread_attach();
    cyclegc::Ref<Pair> more = copy;
    copy.Reset();
    more.Reset();
    cgc_thread_detach();
  }).join();
  EXPECT_EQ(cgc_refcount(a.header()), 1u);
  a.Reset();
  cgc_safepoint();  // the other thread's last release was queued to us
  EXPECT_EQ(g_alive.load(), 0);
}

TEST_F(CppApiTest, ThrowingConstructorFreesTheBlock) {
  EXPECT_THROW(cyclegc::Make<Throws>(), std::runtime_error);
}

void CountCallback(cgc_weakref*, void* arg) {
  static_cast<std::atomic<int>*>(arg)->fetch_add(1);
}

TEST_F(CppApiTest, WeakRefLocksWhileAliveAndEmptiesAfterTheCycleIsCollected) {
  std::atomic<int> callbacks{0};
  cyclegc::WeakRef<Pair> weak;
  EXPECT_FALSE(weak.ok());
  EXPECT_FALSE(weak.Lock());
  {
    cyclegc::Ref<Pair> a = cyclegc::Make<Pair>(5);
    a->left = a;  // a cycle: only the collector frees it
    weak = cyclegc::WeakRef<Pair>(a, &CountCallback, &callbacks);
    ASSERT_TRUE(weak.ok());
    cyclegc::Ref<Pair> locked = weak.Lock();
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->value, 5);
    EXPECT_EQ(cgc_refcount(a.header()), 3u);  // a, the cycle, locked
  }
  EXPECT_TRUE(weak.Alive());  // the cycle keeps it
  EXPECT_EQ(g_alive.load(), 1);
  cgc_collect();
  EXPECT_EQ(g_alive.load(), 0);
  EXPECT_FALSE(weak.Lock());
  EXPECT_FALSE(weak.Alive());
  EXPECT_EQ(callbacks.load(), 1);
  cyclegc::WeakRef<Pair> moved = std::move(weak);
  EXPECT_FALSE(weak.ok());  // NOLINT(bugprone-use-after-move): moved-from
  EXPECT_TRUE(moved.ok());
  moved.Reset();
  EXPECT_FALSE(moved.ok());
  EXPECT_FALSE(cyclegc::WeakRef<Pair>(cyclegc::Ref<Pair>()).ok());
}

}  // namespace
}  // namespace cyclegc::testing
