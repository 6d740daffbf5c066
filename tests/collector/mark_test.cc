// The subtract and mark phases on heaps whose references are scattered: they
// pass references through a delay line (collector/src/delay_line.h), so a
// reference still in the line when a pass ends must not be lost.
#include <cstdint>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class MarkTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    g_counters.destroyed = 0;
  }
};

int Destroyed() { return g_counters.destroyed.load(); }

// Node i points to node i-1 and to two random earlier nodes; node 0 points to
// the last, closing one big cycle. Returns the nodes; the caller holds each
// allocation reference.
std::vector<cgc_object*> RandomEdgeHeap(int n, uint64_t seed) {
  std::vector<cgc_object*> nodes;
  for (int i = 0; i < n; ++i) {
    cgc_object* o = NewNode(&kNodeType, i);
    if (i > 0) {
      Link(o, 0, nodes[i - 1]);
      for (int k = 1; k <= 2; ++k) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        Link(o, k, nodes[(seed >> 33) % static_cast<uint64_t>(i)]);
      }
    }
    nodes.push_back(o);
  }
  Link(nodes[0], 3, nodes.back());
  return nodes;
}

int CountIntact(const std::vector<cgc_object*>& nodes) {
  int intact = 0;
  for (cgc_object* o : nodes) intact += Intact(o) ? 1 : 0;
  return intact;
}

TEST_F(MarkTest, HeapHeldThroughOneObjectSurvivesWhole) {
  constexpr int kNodes = 20000;
  for (int held : {kNodes - 1, 0, kNodes / 2}) {
    std::vector<cgc_object*> nodes = RandomEdgeHeap(kNodes, 7 + held);
    for (int i = 0; i < kNodes; ++i) {
      if (i != held) cgc_decref(nodes[i]);
    }
    EXPECT_EQ(cgc_collect(), 0u) << "held node " << held;
    EXPECT_EQ(CountIntact(nodes), kNodes);
    EXPECT_EQ(Destroyed(), 0);
    cgc_decref(nodes[held]);
    EXPECT_EQ(cgc_collect(), static_cast<size_t>(kNodes));
    EXPECT_EQ(Destroyed(), kNodes);
    g_counters.destroyed = 0;
  }
}

TEST_F(MarkTest, GarbageBesideAHeldHeapIsCollectedExactly) {
  constexpr int kHeld = 15000;
  constexpr int kGarbage = 12000;
  std::vector<cgc_object*> held = RandomEdgeHeap(kHeld, 1);
  std::vector<cgc_object*> garbage = RandomEdgeHeap(kGarbage, 2);
  for (int i = 0; i + 1 < kHeld; ++i) cgc_decref(held[i]);
  for (cgc_object* o : garbage) cgc_decref(o);
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(kGarbage));
  EXPECT_EQ(Destroyed(), kGarbage);
  EXPECT_EQ(CountIntact(held), kHeld);
  cgc_decref(held.back());
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(kHeld));
}

TEST_F(MarkTest, WideFanOutFromOneRoot) {
  // A root whose reachable set is a 4-ary tree with every leaf pointing back
  // at the root: each traverse queues more references than the line holds.
  constexpr int kLevels = 7;  // 4^0 + ... + 4^7 = 21845 nodes
  cgc_object* root = NewNode();
  std::vector<cgc_object*> level{root};
  int total = 1;
  for (int d = 0; d < kLevels; ++d) {
    std::vector<cgc_object*> next;
    for (cgc_object* parent : level) {
      for (int k = 0; k < kSlots; ++k) {
        cgc_object* child = NewNode();
        Link(parent, k, child);
        cgc_decref(child);
        next.push_back(child);
      }
    }
    total += static_cast<int>(next.size());
    level.swap(next);
  }
  for (cgc_object* leaf : level) Link(leaf, 0, root);
  EXPECT_EQ(cgc_collect(), 0u);
  EXPECT_EQ(Destroyed(), 0);
  cgc_decref(root);
  EXPECT_EQ(cgc_collect(), static_cast<size_t>(total));
  EXPECT_EQ(Destroyed(), total);
}

}  // namespace
}  // namespace cyclegc::testing
