// The cycle report: rings of types around sampled cycles, grouped by shape.
#include "cycle_report.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

const cgc_type kSession = {sizeof(cgc_type), "Session", NodeTraverse,
                           NodeClear,        nullptr,   NodeDestroy};
const cgc_type kTask = {sizeof(cgc_type), "Task",  NodeTraverse,
                        NodeClear,        nullptr, NodeDestroy};
const cgc_type kClosure = {sizeof(cgc_type), "SessionWorkerClosure",
                           NodeTraverse,     NodeClear,
                           nullptr,          NodeDestroy};
const cgc_type kBuffer = {sizeof(cgc_type), "Buffer", NodeTraverse,
                          NodeClear,        nullptr,  NodeDestroy};

class CycleReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cgc_config config;
    cgc_config_default(&config);
    config.threshold = 0;
    config.cycle_samples = 64;
    ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
    cgc_cycles_enable(1);
  }
  void TearDown() override { cgc_shutdown(); }

  static std::vector<cgc_cycle_shape> Shapes() {
    std::vector<cgc_cycle_shape> out(cgc_cycles_get(nullptr, 0));
    out.resize(cgc_cycles_get(out.data(), out.size()));
    return out;
  }
};

// Session -> Task -> Closure -> Session, the session also holding a buffer
// (a Node with `extra` more bytes) that only the ring reaches.
void MakeSessionRing(size_t extra) {
  cgc_object* s = NewNode(&kSession);
  cgc_object* t = NewNode(&kTask);
  cgc_object* c = NewNode(&kClosure);
  cgc_object* b = cgc_alloc(&kBuffer, sizeof(Node) + extra);
  AsNode(b)->magic = kAliveMagic;
  Link(s, 0, t);
  Link(t, 0, c);
  Link(c, 0, s);
  Link(s, 1, b);
  for (cgc_object* o : {s, t, c, b}) cgc_decref(o);
}

void MakeSelfLoop() {
  cgc_object* b = NewNode(&kBuffer);
  Link(b, 0, b);
  cgc_decref(b);
}

TEST_F(CycleReportTest, NamesTheRingAndTheBytesItHeld) {
  for (int i = 0; i < 10; ++i) MakeSessionRing(4096);
  for (int i = 0; i < 3; ++i) MakeSelfLoop();
  ASSERT_EQ(cgc_collect(), 43u);
  std::vector<cgc_cycle_shape> shapes = Shapes();
  ASSERT_EQ(shapes.size(), 2u);
  EXPECT_STREQ(shapes[0].ring,
               "Session -> Task -> SessionWorkerClosure -> Session");
  EXPECT_EQ(shapes[0].cycles, 10u);
  EXPECT_EQ(shapes[0].objects, 40u);  // each ring and its buffer
  EXPECT_GE(shapes[0].bytes, 10u * (4 * sizeof(Node) + 4096));
  EXPECT_EQ(shapes[0].size, sizeof(cgc_cycle_shape));
  EXPECT_STREQ(shapes[1].ring, "Buffer -> Buffer");
  EXPECT_EQ(shapes[1].cycles, 3u);
  EXPECT_EQ(shapes[1].objects, 3u);
}

TEST_F(CycleReportTest, TrashBetweenTwoRingsHidesNeither) {
  // ring1 -> x -> ring2: x is on no cycle, so a search from it finds none,
  // and a search from ring1 passes through ring2; both rings are reported,
  // each object counted once.
  cgc_object* a1 = NewNode(&kSession);
  cgc_object* b1 = NewNode(&kTask);
  cgc_object* x = NewNode(&kBuffer);
  cgc_object* a2 = NewNode(&kSession);
  cgc_object* b2 = NewNode(&kTask);
  Link(a1, 0, b1);
  Link(b1, 0, a1);
  Link(a1, 1, x);
  Link(x, 0, a2);
  Link(a2, 0, b2);
  Link(b2, 0, a2);
  for (cgc_object* o : {a1, b1, x, a2, b2}) cgc_decref(o);
  ASSERT_EQ(cgc_collect(), 5u);
  std::vector<cgc_cycle_shape> shapes = Shapes();
  ASSERT_EQ(shapes.size(), 1u);
  EXPECT_STREQ(shapes[0].ring, "Session -> Task -> Session");
  EXPECT_EQ(shapes[0].cycles, 2u);
  EXPECT_EQ(shapes[0].objects, 5u);
}

TEST_F(CycleReportTest, SamplesAtMostTheBudgetPerCollection) {
  cgc_shutdown();
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  config.cycle_samples = 4;
  config.debug = CGC_DEBUG_CYCLES;
  std::vector<std::string> lines;
  cgc_set_log_sink(
      [](int, const char* line, void* arg) {
        static_cast<std::vector<std::string>*>(arg)->push_back(line);
      },
      &lines);
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  for (int i = 0; i < 100; ++i) MakeSessionRing(64);
  ASSERT_EQ(cgc_collect(), 400u);
  cgc_set_log_sink(nullptr, nullptr);
  std::vector<cgc_cycle_shape> shapes = Shapes();
  ASSERT_EQ(shapes.size(), 1u);
  EXPECT_EQ(shapes[0].cycles, 4u);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("4 cycles sampled among 400 unreachable objects"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(
      lines[1].find("4 x Session -> Task -> SessionWorkerClosure -> Session"),
      std::string::npos)
      << lines[1];
}

TEST_F(CycleReportTest, OffRecordsNothingAndResetForgetsCounts) {
  MakeSessionRing(64);
  cgc_collect();
  EXPECT_EQ(Shapes().size(), 1u);
  cgc_cycles_reset();
  EXPECT_EQ(Shapes().size(), 0u);
  cgc_cycles_enable(0);
  MakeSessionRing(64);
  cgc_collect();
  EXPECT_EQ(Shapes().size(), 0u);
}

TEST_F(CycleReportTest, RejectsAnEntrySizeSmallerThanAnyLayout) {
  MakeSelfLoop();
  cgc_collect();
  cgc_cycle_shape one;
  EXPECT_EQ(cgc_cycles_get_sized_(&one, 1, 8), 0u);
  EXPECT_NE(std::string(cgc_last_error()).find("cgc_cycles_get: entry size 8"),
            std::string::npos)
      << cgc_last_error();
}

// Sampling runs with the world restarted: threads keep allocating and
// dropping rings of their own meanwhile (TSan checks the sampler touches
// nothing they do).
TEST_F(CycleReportTest, SamplesWhileOtherThreadsMakeRings) {
  std::atomic<int> running{3};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&running] {
      ASSERT_EQ(cgc_thread_attach(), CGC_OK);
      for (int i = 0; i < 300; ++i) {
        MakeSessionRing(16);
        cgc_safepoint();
      }
      cgc_thread_detach();
      running.fetch_sub(1);
    });
  }
  while (running.load() > 0) {
    MakeSessionRing(16);
    cgc_collect();
  }
  for (std::thread& t : threads) t.join();
  cgc_collect();
  std::vector<cgc_cycle_shape> shapes = Shapes();
  ASSERT_EQ(shapes.size(), 1u);
  EXPECT_STREQ(shapes[0].ring,
               "Session -> Task -> SessionWorkerClosure -> Session");
  EXPECT_GE(shapes[0].cycles, 2u);
}

TEST(RingShapeTest, StartsAtTheRotationWhoseNamesSortFirst) {
  internal::CycleSample s;
  s.ring[0] = &kTask;
  s.ring[1] = &kClosure;
  s.ring[2] = &kSession;
  s.ring_len = 3;
  EXPECT_EQ(internal::RingShape(s),
            "Session -> Task -> SessionWorkerClosure -> Session");
  s.ring[0] = &kBuffer;
  s.ring[1] = &kTask;
  s.ring[2] = &kBuffer;
  s.ring[3] = &kSession;
  s.ring_len = 4;  // ties on the first name are broken by the next
  EXPECT_EQ(internal::RingShape(s),
            "Buffer -> Session -> Buffer -> Task -> Buffer");
}

}  // namespace
}  // namespace cyclegc::testing
