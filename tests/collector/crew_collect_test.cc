// A collection whose walk, subtract, mark and gather run in parts on the
// parked threads (the crew, stop_crew.h): random graphs whose edges cross the
// two threads' heaps must lose exactly the nodes no root reaches, as one
// thread alone would; running out of memory in a part frees nothing.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "object_stack.h"
#include "phases.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class CrewCollectTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  void SetUp() override {
    cgc_config config;
    cgc_config_default(&config);
    // Only the test's own collections.
    config.trigger = CGC_TRIGGER_COUNT;
    config.threshold = 100000000;
    ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
    internal::ForceCrewPartsForTesting(true);
    g_counters.destroyed = 0;
  }
  void TearDown() override {
    internal::ForceCrewPartsForTesting(false);
    cgc_shutdown();
  }
};

// A second attached thread that allocates `count` nodes in its heap, then
// polls safepoints (so that it parks, and serves the crew, at every stop)
// and runs what Run() hands it, until destroyed. Its nodes' references are
// dropped on it (Run), so none waits in its merge queue at a collection.
class PollingThread {
 public:
  explicit PollingThread(int count) {
    thread_ = std::thread([this, count] {
      ASSERT_EQ(cgc_thread_attach(), CGC_OK) << cgc_last_error();
      for (int i = 0; i < count; ++i) nodes_.push_back(NewNode(&kNodeType, i));
      ready_.store(true, std::memory_order_release);
      while (!stop_.load(std::memory_order_acquire)) {
        if (std::function<void()>* task =
                task_.load(std::memory_order_acquire)) {
          (*task)();
          task_.store(nullptr, std::memory_order_release);
        }
        cgc_safepoint();
      }
      cgc_thread_detach();
    });
    Wait([this] { return ready_.load(std::memory_order_acquire); });
  }
  ~PollingThread() {
    stop_.store(true, std::memory_order_release);
    cgc_blocking_begin();
    thread_.join();
    cgc_blocking_end();
  }
  // Its nodes, each with the reference it was created with.
  const std::vector<cgc_object*>& nodes() const { return nodes_; }
  // Runs fn on the thread and waits for it.
  void Run(std::function<void()> fn) {
    task_.store(&fn, std::memory_order_release);
    Wait([this] { return task_.load(std::memory_order_acquire) == nullptr; });
  }

 private:
  template <typename Pred>
  static void Wait(Pred done) {
    cgc_blocking_begin();
    while (!done()) std::this_thread::yield();
    cgc_blocking_end();
  }
  std::vector<cgc_object*> nodes_;
  std::atomic<bool> ready_{false};
  std::atomic<std::function<void()>*> task_{nullptr};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Drops the references in `drop`, each on the thread whose heap holds it.
void DropOnOwners(PollingThread& other, const std::vector<cgc_object*>& drop) {
  const std::vector<cgc_object*>& theirs = other.nodes();
  std::vector<cgc_object*> mine;
  std::vector<cgc_object*> on_other;
  for (cgc_object* o : drop) {
    (std::find(theirs.begin(), theirs.end(), o) != theirs.end() ? on_other
                                                                : mine)
        .push_back(o);
  }
  for (cgc_object* o : mine) cgc_decref(o);
  other.Run([&on_other] {
    for (cgc_object* o : on_other) cgc_decref(o);
  });
}

// Which nodes the roots reach through the edges (slot by slot).
std::vector<bool> Reached(const std::vector<std::vector<int>>& edges,
                          const std::vector<int>& roots) {
  std::vector<bool> seen(edges.size(), false);
  std::vector<int> stack(roots.begin(), roots.end());
  for (int r : roots) seen[r] = true;
  while (!stack.empty()) {
    const int n = stack.back();
    stack.pop_back();
    for (int m : edges[n]) {
      if (!seen[m]) {
        seen[m] = true;
        stack.push_back(m);
      }
    }
  }
  return seen;
}

TEST_P(CrewCollectTest, RandomGraphAcrossTwoHeapsLosesExactlyTheUnreached) {
  constexpr int kPerThread = 3000;
  std::mt19937_64 rng(GetParam());
  PollingThread other(kPerThread);
  std::vector<cgc_object*> nodes;
  for (int i = 0; i < kPerThread; ++i) nodes.push_back(NewNode(&kNodeType, i));
  nodes.insert(nodes.end(), other.nodes().begin(), other.nodes().end());
  std::shuffle(nodes.begin(), nodes.end(), rng);
  const int n = static_cast<int>(nodes.size());

  // Up to kSlots edges a node, to any node of either heap (self included):
  // cycles inside one heap, across both, and trees hanging off them.
  std::vector<std::vector<int>> edges(n);
  for (int i = 0; i < n; ++i) {
    const int out = static_cast<int>(rng() % (kSlots + 1));
    for (int s = 0; s < out; ++s) {
      const int to = static_cast<int>(rng() % n);
      Link(nodes[i], s, nodes[to]);
      edges[i].push_back(to);
    }
  }
  std::vector<int> roots;
  for (int i = 0; i < n; ++i) {
    if (rng() % 50 == 0) roots.push_back(i);
  }
  const std::vector<bool> reached = Reached(edges, roots);
  const int unreached =
      static_cast<int>(std::count(reached.begin(), reached.end(), false));

  // Drop every creation reference but the roots'; refcounting frees the
  // acyclic part of what no root reaches, the collection the rest.
  std::vector<bool> is_root(n, false);
  for (int r : roots) is_root[r] = true;
  std::vector<cgc_object*> drop;
  for (int i = 0; i < n; ++i) {
    if (!is_root[i]) drop.push_back(nodes[i]);
  }
  DropOnOwners(other, drop);
  const uint64_t crew_before = internal::CrewCollectionsForTesting();
  cgc_collect();
  EXPECT_GT(internal::CrewCollectionsForTesting(), crew_before)
      << "the collection did not run on the crew";
  EXPECT_EQ(g_counters.destroyed.load(), unreached);
  for (int i = 0; i < n; ++i) {
    if (reached[i]) {
      ASSERT_EQ(AsNode(nodes[i])->magic, kAliveMagic) << "node " << i;
    }
  }
  // With the roots gone, everything goes.
  drop.clear();
  for (int r : roots) drop.push_back(nodes[r]);
  DropOnOwners(other, drop);
  cgc_collect();
  EXPECT_EQ(g_counters.destroyed.load(), n);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CrewCollectTest,
                         ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

using CrewCollectOomTest = CrewCollectTest;

TEST_F(CrewCollectOomTest, OutOfMemoryInAPartFreesNothing) {
  constexpr int kRings = 500;
  PollingThread other(kRings);
  // Rings of two, each a node of each heap: every reference crosses heaps.
  std::vector<cgc_object*> drop;
  for (int i = 0; i < kRings; ++i) {
    cgc_object* mine = NewNode();
    cgc_object* theirs = other.nodes()[i];
    Link(mine, 0, theirs);
    Link(theirs, 0, mine);
    drop.push_back(mine);
    drop.push_back(theirs);
  }
  DropOnOwners(other, drop);
  const uint64_t crew_before = internal::CrewCollectionsForTesting();
  // The first array that grows fails, whichever part it is in.
  internal::SetObjectStackGrowthFailureAfterForTesting(0);
  EXPECT_EQ(cgc_collect(), 0u);
  internal::SetObjectStackGrowthFailureAfterForTesting(-1);
  EXPECT_EQ(g_counters.destroyed.load(), 0);
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(2 * kRings));
  EXPECT_EQ(g_counters.destroyed.load(), 2 * kRings);
  EXPECT_GT(internal::CrewCollectionsForTesting(), crew_before)
      << "the collection did not run on the crew";
}

}  // namespace
}  // namespace cyclegc::testing
