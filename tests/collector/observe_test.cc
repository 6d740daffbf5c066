// Stats, events and the census of cyclic trash.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "census.h"
#include "cyclegc/cyclegc.h"
#include "events.h"
#include "gtest/gtest.h"
#include "runtime_test.h"
#include "test_graph.h"

namespace cyclegc::testing {
namespace {

class ObserveTest : public RuntimeTest {};

void MakeCycles(int n, const cgc_type* a_type = &kNodeType,
                const cgc_type* b_type = &kNodeType,
                size_t a_size = sizeof(Node), size_t b_size = sizeof(Node)) {
  for (int i = 0; i < n; ++i) {
    cgc_object* a = cgc_alloc(a_type, a_size);
    cgc_object* b = cgc_alloc(b_type, b_size);
    AsNode(a)->magic = AsNode(b)->magic = kAliveMagic;
    Link(a, 0, b);
    Link(b, 0, a);
    cgc_decref(a);
    cgc_decref(b);
  }
}

std::vector<cgc_event> g_events;
void RecordEvent(const cgc_event* e, void*) { g_events.push_back(*e); }

TEST_F(ObserveTest, EventsReportStartAndStopWithFigures) {
  g_events.clear();
  ASSERT_EQ(cgc_callback_add(&RecordEvent, nullptr), CGC_OK);
  EXPECT_EQ(cgc_callback_add(&RecordEvent, nullptr), CGC_EINVAL);  // duplicate
  cgc_object* live = NewNode();
  MakeCycles(50);
  EXPECT_EQ(cgc_collect(), 100u);
  ASSERT_EQ(g_events.size(), 2u);
  EXPECT_EQ(g_events[0].kind, CGC_EVENT_START);
  EXPECT_EQ(g_events[0].reason, CGC_REASON_EXPLICIT);
  EXPECT_EQ(g_events[0].collected, 0u);
  const cgc_event& stop = g_events[1];
  EXPECT_EQ(stop.kind, CGC_EVENT_STOP);
  EXPECT_EQ(stop.collection, g_events[0].collection);
  EXPECT_EQ(stop.visited, 101u);
  EXPECT_EQ(stop.collected, 100u);
  EXPECT_EQ(stop.resurrected, 0u);
  EXPECT_GT(stop.pause_mark_ns, 0u);
  EXPECT_EQ(stop.pause_resurrect_ns, 0u);  // no finalizer ran
  EXPECT_GE(stop.pause_ns, stop.pause_mark_ns);
  EXPECT_GE(stop.duration_ns, stop.pause_ns);
  ASSERT_EQ(cgc_callback_remove(&RecordEvent, nullptr), CGC_OK);
  EXPECT_EQ(cgc_callback_remove(&RecordEvent, nullptr), CGC_EINVAL);
  cgc_collect();
  EXPECT_EQ(g_events.size(), 2u);
  cgc_decref(live);
}

// A destroy slow enough to tell apart from a pause on a loaded machine.
constexpr std::chrono::milliseconds kSlowDestroy(100);
void SlowDestroy(cgc_object* self) {
  std::this_thread::sleep_for(kSlowDestroy);
  NodeDestroy(self);
}
const cgc_type kSlowType = {sizeof(cgc_type), "Slow",  NodeTraverse,
                            NodeClear,        nullptr, SlowDestroy};

TEST_F(ObserveTest, PauseEndsAtTheRestartBeforeDestruction) {
  // Per-thread counts are summed only while the world is stopped: this object
  // is found dead at a stop of the collection and destroyed once the world
  // restarts, inside the collection's duration but outside its pause.
  cgc_object* o = NewNode(&kSlowType);
  ASSERT_EQ(cgc_set_per_thread_refcount(o), CGC_OK);
  cgc_decref(o);
  const int destroyed = g_counters.destroyed.load();
  g_events.clear();
  ASSERT_EQ(cgc_callback_add(&RecordEvent, nullptr), CGC_OK);
  cgc_collect();
  ASSERT_EQ(cgc_callback_remove(&RecordEvent, nullptr), CGC_OK);
  EXPECT_EQ(g_counters.destroyed.load(), destroyed + 1);
  ASSERT_EQ(g_events.size(), 2u);
  const cgc_event& stop = g_events[1];
  const uint64_t slow_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kSlowDestroy)
          .count();
  EXPECT_LT(stop.pause_ns, slow_ns);
  EXPECT_LT(stop.pause_mark_ns, slow_ns);
  EXPECT_GT(stop.mark_restart_ns, 0u);
  EXPECT_GE(stop.duration_ns, slow_ns);
}

TEST_F(ObserveTest, AnotherThreadsTrashTakesOneStop) {
  // Trash owned by another attached thread (blocked here, so it cannot drain
  // a merge queue): adopted with the world stopped, its counts read exactly
  // after the clears and its release frees it here. No second stop for a
  // survivor check or a reap (other pause time 0), and all of it is freed
  // before cgc_collect returns.
  constexpr int kCycles = 200;
  absl::Notification made, done;
  std::thread owner([&] {
    ASSERT_EQ(cgc_thread_attach(), CGC_OK);
    MakeCycles(kCycles);
    made.Notify();
    cgc_blocking_begin();
    done.WaitForNotification();
    cgc_blocking_end();
    cgc_thread_detach();
  });
  made.WaitForNotification();
  const int destroyed = g_counters.destroyed.load();
  g_events.clear();
  ASSERT_EQ(cgc_callback_add(&RecordEvent, nullptr), CGC_OK);
  EXPECT_EQ(cgc_collect(), 2u * kCycles);
  ASSERT_EQ(cgc_callback_remove(&RecordEvent, nullptr), CGC_OK);
  EXPECT_EQ(g_counters.destroyed.load(), destroyed + 2 * kCycles);
  ASSERT_EQ(g_events.size(), 2u);
  const cgc_event& stop = g_events[1];
  EXPECT_EQ(stop.collected, 2u * kCycles);
  EXPECT_EQ(stop.pause_ns, stop.pause_mark_ns + stop.pause_resurrect_ns);
  done.Notify();
  owner.join();
}

TEST_F(ObserveTest, StatsAccumulate) {
  cgc_stats before;
  ASSERT_EQ(cgc_get_stats(&before), CGC_OK);
  MakeCycles(10);
  cgc_collect();
  MakeCycles(5);
  cgc_collect();
  cgc_stats after;
  ASSERT_EQ(cgc_get_stats(&after), CGC_OK);
  EXPECT_EQ(after.collections - before.collections, 2u);
  EXPECT_EQ(after.objects_collected - before.objects_collected, 30u);
  EXPECT_GE(after.max_pause_ns, after.last_pause_ns);
  EXPECT_GE(after.total_pause_ns, after.max_pause_ns);
  EXPECT_NE(after.trigger_name, nullptr);
  EXPECT_EQ(cgc_get_stats(nullptr), CGC_EINVAL);
}

TEST_F(ObserveTest, StatsLineNamesReasonAndFigures) {
  cgc_event e{};
  e.kind = CGC_EVENT_STOP;
  e.reason = CGC_REASON_MEMORY_GROWTH;
  e.collection = 7;
  e.visited = 1000;
  e.collected = 40;
  std::string line = internal::FormatStatsLine(e);
  EXPECT_NE(line.find("gc #7"), std::string::npos) << line;
  EXPECT_NE(line.find("reason=memory_growth"), std::string::npos) << line;
  EXPECT_NE(line.find("visited=1000"), std::string::npos) << line;
  EXPECT_NE(line.find("collected=40"), std::string::npos) << line;
}

const cgc_type kSession = {sizeof(cgc_type), "Session", NodeTraverse,
                           NodeClear,        nullptr,   NodeDestroy};
const cgc_type kTask = {sizeof(cgc_type), "Task",  NodeTraverse,
                        NodeClear,        nullptr, NodeDestroy};
const cgc_type kBuffer = {sizeof(cgc_type), "Buffer", NodeTraverse,
                          NodeClear,        nullptr,  NodeDestroy};

TEST_F(ObserveTest, CensusNamesTheLeakingTwoTypeCycleFirst) {
  cgc_census_reset();
  cgc_census_enable(1);
  // Noise: plenty of Buffers freed by refcounting (never counted) and a few
  // in self-cycles; the leak is a Session <-> Task cycle per request.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 200; ++i) cgc_decref(NewNode(&kBuffer));
    for (int i = 0; i < 3; ++i) {
      cgc_object* b = NewNode(&kBuffer);
      Link(b, 0, b);
      cgc_decref(b);
    }
    MakeCycles(40, &kSession, &kTask, sizeof(Node) + 200, sizeof(Node) + 50);
    cgc_collect();
  }
  std::vector<cgc_census_entry> entries(cgc_census_get(nullptr, 0));
  ASSERT_EQ(cgc_census_get(entries.data(), entries.size()), 3u);
  EXPECT_STREQ(entries[0].type_name, "Session");
  EXPECT_STREQ(entries[1].type_name, "Task");
  EXPECT_STREQ(entries[2].type_name, "Buffer");
  EXPECT_EQ(entries[0].objects, 200u);
  EXPECT_EQ(entries[1].objects, 200u);
  EXPECT_EQ(entries[2].objects, 15u);
  EXPECT_GE(entries[0].bytes, 200u * (sizeof(Node) + 200));
  std::vector<cgc_census_entry> last = internal::CensusLastCollection();
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[0].objects, 40u);  // per collection
  cgc_census_reset();
  EXPECT_EQ(cgc_census_get(nullptr, 0), 0u);
  cgc_census_enable(0);
  MakeCycles(5, &kSession, &kTask);
  cgc_collect();
  EXPECT_EQ(cgc_census_get(nullptr, 0), 0u);  // off: nothing recorded
}

}  // namespace
}  // namespace cyclegc::testing
