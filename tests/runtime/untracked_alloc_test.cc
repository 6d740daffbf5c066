// cgc_alloc_untracked: objects that are never tracked live apart from the
// tracked ones; collections never visit them, yet refcounting, cycles that
// hold them, finalizers, other threads and cgc_shutdown treat them as any
// object.
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

using UntrackedAllocTest = RuntimeTest;

// A leaf: no references; counts its destroys.
struct Leaf {
  cgc_object header;
  std::atomic<int>* destroyed;
  char body[40];
};

void LeafDestroy(cgc_object* self) {
  auto* l = reinterpret_cast<Leaf*>(self);
  if (l->destroyed != nullptr) l->destroyed->fetch_add(1);
}
const cgc_type kLeafType = {sizeof(cgc_type), "TestLeaf", nullptr,
                            nullptr,          nullptr,    LeafDestroy};

Leaf* NewLeaf(std::atomic<int>* destroyed) {
  auto* l =
      reinterpret_cast<Leaf*>(cgc_alloc_untracked(&kLeafType, sizeof(Leaf)));
  if (l != nullptr) l->destroyed = destroyed;
  return l;
}

// Visited members of each collection, from the STOP events.
void RecordVisited(const cgc_event* e, void* arg) {
  if (e->kind == CGC_EVENT_STOP) {
    static_cast<std::vector<size_t>*>(arg)->push_back(e->visited);
  }
}

TEST_F(UntrackedAllocTest, ZeroedCountedOnceNeverTracked) {
  std::atomic<int> destroyed{0};
  auto* l =
      reinterpret_cast<Leaf*>(cgc_alloc_untracked(&kLeafType, sizeof(Leaf)));
  ASSERT_NE(l, nullptr) << cgc_last_error();
  const char zeros[sizeof l->body] = {};
  EXPECT_EQ(std::memcmp(l->body, zeros, sizeof zeros), 0);
  EXPECT_EQ(cgc_refcount(&l->header), 1u);
  EXPECT_EQ(cgc_is_tracked(&l->header), 0);
  l->destroyed = &destroyed;
  cgc_incref(&l->header);
  cgc_decref(&l->header);
  EXPECT_EQ(destroyed.load(), 0);
  cgc_decref(&l->header);
  EXPECT_EQ(destroyed.load(), 1);
}

TEST_F(UntrackedAllocTest, BadArgumentsNameTheCall) {
  EXPECT_EQ(cgc_alloc_untracked(nullptr, 64), nullptr);
  EXPECT_NE(std::string(cgc_last_error()).find("cgc_alloc_untracked"),
            std::string::npos)
      << cgc_last_error();
  EXPECT_EQ(cgc_alloc_untracked(&kLeafType, 8), nullptr);
  EXPECT_NE(std::string(cgc_last_error()).find("smaller than"),
            std::string::npos)
      << cgc_last_error();
}

TEST_F(UntrackedAllocTest, CollectionsNeverVisitThem) {
  std::vector<size_t> visited;
  ASSERT_EQ(cgc_callback_add(&RecordVisited, &visited), 0);
  std::vector<cgc_object*> held;
  for (int i = 0; i < 5000; ++i) held.push_back(&NewLeaf(nullptr)->header);
  for (int i = 0; i < 7; ++i) held.push_back(Obj(NewNode()));
  cgc_collect();
  ASSERT_EQ(cgc_callback_remove(&RecordVisited, &visited), 0);
  ASSERT_EQ(visited.size(), 1u);
  EXPECT_EQ(visited[0], 7u);
  for (cgc_object* o : held) cgc_decref(o);
}

// Untracked allocations are not young: with the count policy they never
// start a collection, however many.
TEST(UntrackedAllocYoungTest, DoNotCountTowardTheThreshold) {
  cgc_config config;
  cgc_config_default(&config);
  config.trigger = CGC_TRIGGER_COUNT;
  config.threshold = 100;
  ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  std::vector<cgc_object*> held;
  for (int i = 0; i < 5000; ++i) held.push_back(&NewLeaf(nullptr)->header);
  cgc_stats stats;
  ASSERT_EQ(cgc_get_stats(&stats), 0);
  EXPECT_EQ(stats.collections, 0u);
  for (int i = 0; i < 1000; ++i) held.push_back(Obj(NewNode()));
  ASSERT_EQ(cgc_get_stats(&stats), 0);
  EXPECT_GE(stats.collections, 1u) << "the tracked allocations did not count";
  for (cgc_object* o : held) cgc_decref(o);
  ASSERT_EQ(cgc_shutdown(), 0) << cgc_last_error();
}

TEST_F(UntrackedAllocTest, TrackIsRefusedAndNamesTheAllocation) {
  Leaf* l = NewLeaf(nullptr);
  ASSERT_NE(l, nullptr);
  cgc_track(&l->header);
  EXPECT_EQ(cgc_is_tracked(&l->header), 0);
  EXPECT_NE(std::string(cgc_last_error()).find("cgc_alloc_untracked"),
            std::string::npos)
      << cgc_last_error();
  cgc_untrack(&l->header);  // harmless
  EXPECT_EQ(cgc_is_tracked(&l->header), 0);
  cgc_decref(&l->header);
}

// Two references: a cycle member that also holds a leaf.
struct Holder {
  cgc_object header;
  cgc_object* other;
  cgc_object* leaf;
};

int HolderTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* h = reinterpret_cast<Holder*>(self);
  if (h->other != nullptr) {
    if (int r = visit(h->other, arg); r != 0) return r;
  }
  return h->leaf != nullptr ? visit(h->leaf, arg) : 0;
}
void HolderClear(cgc_object* self) {
  auto* h = reinterpret_cast<Holder*>(self);
  if (cgc_object* o = std::exchange(h->other, nullptr)) cgc_decref(o);
  if (cgc_object* o = std::exchange(h->leaf, nullptr)) cgc_decref(o);
}
const cgc_type kHolderType = {sizeof(cgc_type), "TestHolder", HolderTraverse,
                              HolderClear,      nullptr,      HolderClear};

Holder* NewHolder() {
  return reinterpret_cast<Holder*>(cgc_alloc(&kHolderType, sizeof(Holder)));
}

TEST_F(UntrackedAllocTest, HeldByACycleDiesWithIt) {
  std::atomic<int> destroyed{0};
  Holder* a = NewHolder();
  Holder* b = NewHolder();
  ASSERT_TRUE(a != nullptr && b != nullptr);
  // Each allocation's reference goes to the other: a is held by b only, b
  // by a only, and the leaf by b only.
  a->other = &b->header;
  b->other = &a->header;
  b->leaf = &NewLeaf(&destroyed)->header;
  size_t freed = 0;
  ASSERT_EQ(cgc_collect_ex(&freed), 0) << cgc_last_error();
  EXPECT_EQ(freed, 2u) << "only the two tracked members are collected";
  EXPECT_EQ(destroyed.load(), 1) << "the leaf outlived its cycle";
}

// A finalizer may run on an object of any kind; the object must not be
// tracked on its way out (the dealloc path tracks finalized objects with a
// traverse so that a resurrected one stays collectable).
std::atomic<int> g_finalized{0};
void FinalizeCount(cgc_object*) { g_finalized.fetch_add(1); }
const cgc_type kFinalizedHolderType = {sizeof(cgc_type), "TestFinalizedHolder",
                                       HolderTraverse,   HolderClear,
                                       FinalizeCount,    HolderClear};

TEST_F(UntrackedAllocTest, FinalizerRunsAndTheObjectStaysUntracked) {
  g_finalized = 0;
  std::atomic<int> destroyed{0};
  auto* h = reinterpret_cast<Holder*>(
      cgc_alloc_untracked(&kFinalizedHolderType, sizeof(Holder)));
  ASSERT_NE(h, nullptr);
  h->leaf = &NewLeaf(&destroyed)->header;
  cgc_stats before;
  ASSERT_EQ(cgc_get_stats(&before), 0);
  // A known last error (an earlier test's may name cgc_track).
  ASSERT_EQ(cgc_alloc_untracked(nullptr, sizeof(Holder)), nullptr);
  cgc_decref(&h->header);
  EXPECT_EQ(g_finalized.load(), 1);
  EXPECT_EQ(destroyed.load(), 1);
  cgc_stats after;
  ASSERT_EQ(cgc_get_stats(&after), 0);
  EXPECT_EQ(after.young, before.young) << "the dying object was tracked";
  // The death path must not even try: cgc_track would refuse and leave its
  // error behind.
  EXPECT_EQ(std::string(cgc_last_error()).find("cgc_track"), std::string::npos)
      << cgc_last_error();
}

TEST_F(UntrackedAllocTest, AnotherThreadFreesItAfterItsAllocatorExited) {
  std::atomic<int> destroyed{0};
  std::vector<cgc_object*> leaves;
  RunAttached([&] {
    for (int i = 0; i < 1000; ++i)
      leaves.push_back(&NewLeaf(&destroyed)->header);
  });
  cgc_collect();  // walks the exited thread's pages: the leaves are not there
  EXPECT_EQ(destroyed.load(), 0);
  for (cgc_object* o : leaves) cgc_decref(o);
  EXPECT_EQ(destroyed.load(), 1000);
}

TEST(UntrackedAllocShutdownTest, ShutdownDestroysLeftovers) {
  ASSERT_EQ(cgc_init(nullptr), 0) << cgc_last_error();
  std::atomic<int> destroyed{0};
  for (int i = 0; i < 100; ++i) ASSERT_NE(NewLeaf(&destroyed), nullptr);
  RunAttached([&] {
    for (int i = 0; i < 100; ++i) ASSERT_NE(NewLeaf(&destroyed), nullptr);
  });
  ASSERT_EQ(cgc_shutdown(), 0) << cgc_last_error();
  EXPECT_EQ(destroyed.load(), 200);
}

}  // namespace
}  // namespace cyclegc::testing
