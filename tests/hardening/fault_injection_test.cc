// Allocation-failure injection: for every N reached by a workload, the N-th
// internal allocation fails; the collection completes or backs off cleanly
// (nothing reachable freed, nothing freed twice, the next collection frees all
// trash), cgc_alloc returns NULL with a message. Leaks are LeakSanitizer's job
// (the ASan build runs this with CYCLEGC_FAULT_INJECTION=ON). Skipped in builds
// without injection sites.
#include "fault_injection.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slot_object.h"

namespace cyclegc::internal {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kAlive = 0x600DF00Du;
constexpr uint32_t kDead = 0xDEADBEEFu;

struct Node {
  cgc_object hdr;
  uint32_t magic;
  bool keep;  // reachable from the workload's root for the whole run
  cgc_object* slots[2];
};

struct Counts {
  int destroyed = 0;
  int destroyed_kept = 0;
  int bad_destroy = 0;  // destroy of a non-live block (twice, or garbage)
  int finalized = 0;
  int callbacks = 0;
};
Counts g_counts;

int Traverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  return cyclegc::testing::TraverseSlots<Node>(self, visit, arg);
}
void Clear(cgc_object* self) { cyclegc::testing::ClearSlots<Node>(self); }
void Destroy(cgc_object* self) {
  auto* n = reinterpret_cast<Node*>(self);
  if (n->magic != kAlive) {
    ++g_counts.bad_destroy;
    return;
  }
  n->magic = kDead;
  ++g_counts.destroyed;
  if (n->keep) ++g_counts.destroyed_kept;
}
void Finalize(cgc_object*) { ++g_counts.finalized; }
void OnWeakDeath(cgc_weakref*, void*) { ++g_counts.callbacks; }

const cgc_type kPlain = {sizeof(cgc_type), "fi.Plain", Traverse, Clear,
                         nullptr,          Destroy};
const cgc_type kFinal = {sizeof(cgc_type), "fi.Final", Traverse, Clear,
                         Finalize,         Destroy};

// What one run allocated and still refers to.
struct Run {
  int allocated = 0;
  int alloc_failures = 0;
  cgc_object* root = nullptr;  // head of the kept chain
  std::vector<cgc_weakref*> kept_weak;
  std::vector<cgc_weakref*> trash_weak;
  std::string last_alloc_error;
};

cgc_object* New(Run& run, const cgc_type* type, bool keep) {
  cgc_object* o = cgc_alloc(type, sizeof(Node));
  if (o == nullptr) {
    ++run.alloc_failures;
    run.last_alloc_error = cgc_last_error();
    return nullptr;
  }
  auto* n = reinterpret_cast<Node*>(o);
  n->magic = kAlive;
  n->keep = keep;
  ++run.allocated;
  return o;
}

// A kept chain of `kept` nodes (with weakrefs to some) and `cycles` dropped
// three-node cycles (finalizers and weakrefs with callbacks on some), then a
// collection.
void BuildAndCollect(Run& run, int kept, int cycles) {
  cgc_object* prev = nullptr;
  for (int i = 0; i < kept; ++i) {
    cgc_object* o = New(run, &kPlain, true);
    if (o == nullptr) continue;
    if (prev == nullptr) {
      run.root = o;  // the run's reference
    } else {
      reinterpret_cast<Node*>(prev)->slots[0] = o;  // the chain's reference
    }
    prev = o;
    if (i % 4 == 0) {
      if (cgc_weakref* w = cgc_weakref_new(o, nullptr, nullptr))
        run.kept_weak.push_back(w);
    }
  }
  for (int c = 0; c < cycles; ++c) {
    cgc_object* ring[3] = {};
    for (int k = 0; k < 3; ++k)
      ring[k] = New(run, (c + k) % 3 == 0 ? &kFinal : &kPlain, false);
    for (int k = 0; k < 3; ++k) {
      cgc_object* next = ring[(k + 1) % 3];
      if (ring[k] == nullptr || next == nullptr) continue;
      cgc_incref(next);
      reinterpret_cast<Node*>(ring[k])->slots[1] = next;
    }
    if (ring[0] != nullptr && c % 2 == 0) {
      if (cgc_weakref* w = cgc_weakref_new(ring[0], OnWeakDeath, nullptr)) {
        run.trash_weak.push_back(w);
      }
    }
    for (cgc_object* o : ring) {
      if (o != nullptr) cgc_decref(o);
    }
  }
  cgc_collect();
}

void StartRuntime() {
  cgc_config config;
  cgc_config_default(&config);
  config.apply_env = 0;
  config.threshold = 0;  // only explicit collections
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  cgc_census_enable(1);
}

// One run with the n-th visit of a `prefix` site failing. Returns the visits
// the run made (n > visits: the failure point was not reached).
uint64_t RunWithFailureAt(uint64_t n, const char* prefix, int kept, int cycles,
                          std::map<std::string, int>* survived) {
  g_counts = Counts{};
  StartRuntime();
  Run run;
  FaultInjectionArm(n, prefix);
  BuildAndCollect(run, kept, cycles);
  const FaultInjectionCounts fi = FaultInjectionGetCounts();
  FaultInjectionDisarm();
  const std::string where =
      std::string("failure #") + std::to_string(n) + " at " +
      (fi.failed_site != nullptr ? fi.failed_site : "(none)");
  if (fi.failed_site != nullptr) ++(*survived)[fi.failed_site];

  // Nothing reachable was freed, nothing freed twice.
  EXPECT_EQ(g_counts.destroyed_kept, 0) << where;
  EXPECT_EQ(g_counts.bad_destroy, 0) << where;
  if (run.alloc_failures > 0) {
    EXPECT_THAT(run.last_alloc_error, HasSubstr("out of memory")) << where;
  }
  for (cgc_weakref* w : run.kept_weak) {
    cgc_object* o = cgc_weakref_get(w);
    EXPECT_NE(o, nullptr) << where << ": weakref to a kept object cleared";
    if (o != nullptr) cgc_decref(o);
  }
  // The next collection works: all trash goes, weakrefs to it are cleared.
  cgc_collect();
  const int kept_alive = run.allocated - g_counts.destroyed;
  for (cgc_weakref* w : run.trash_weak) {
    EXPECT_EQ(cgc_weakref_get(w), nullptr)
        << where << ": weakref to trash survives";
  }
  if (run.root != nullptr)
    cgc_decref(run.root);  // the chain dies by refcounting
  EXPECT_EQ(g_counts.destroyed, run.allocated)
      << where << " (" << kept_alive << " alive after the retry collection)";
  EXPECT_EQ(g_counts.destroyed_kept, kept_alive)
      << where << ": retry collection freed kept objects";
  EXPECT_LE(g_counts.finalized, run.allocated) << where;
  EXPECT_EQ(g_counts.bad_destroy, 0) << where;
  for (cgc_weakref* w : run.kept_weak) cgc_weakref_free(w);
  for (cgc_weakref* w : run.trash_weak) cgc_weakref_free(w);
  cgc_census_enable(0);  // no report at shutdown
  cgc_shutdown();
  return fi.visits;
}

// Fails every reachable failure point in turn; returns how many were reached.
int FailEveryPoint(const char* prefix, int kept, int cycles,
                   std::map<std::string, int>* survived) {
  int reached = 0;
  for (uint64_t n = 1; n < 100000; ++n) {
    const uint64_t visits = RunWithFailureAt(n, prefix, kept, cycles, survived);
    if (::testing::Test::HasFailure()) break;
    if (visits < n) break;
    ++reached;
  }
  return reached;
}

void Report(const char* what, int reached,
            const std::map<std::string, int>& survived) {
  std::printf("%s: %d injected failure points survived:", what, reached);
  for (const auto& [site, count] : survived)
    std::printf(" %s=%d", site.c_str(), count);
  std::printf("\n");
}

class FaultInjection : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FaultInjectionCompiledIn()) {
      GTEST_SKIP() << "library built without CYCLEGC_FAULT_INJECTION";
    }
  }
};

TEST_F(FaultInjection, EveryInternalAllocationOfASmallWorkload) {
  std::map<std::string, int> survived;
  const int reached = FailEveryPoint(nullptr, 40, 30, &survived);
  Report("all sites", reached, survived);
  EXPECT_GT(reached, 100);
  EXPECT_GT(survived["runtime.cgc_alloc"], 0);
  EXPECT_GT(survived["weakref.new"], 0);
  EXPECT_GT(survived["collector.object_stack_grow"], 0);
}

// Enough objects that the collector's arrays grow several times.
TEST_F(FaultInjection, EveryCollectorArrayGrowthOfALargeHeap) {
  std::map<std::string, int> survived;
  const int reached = FailEveryPoint("collector.", 1500, 1500, &survived);
  Report("collector arrays", reached, survived);
  EXPECT_GE(survived["collector.object_stack_grow"], 4);
}

TEST_F(FaultInjection, CensusTableInsertFailureOnlySkipsCounting) {
  std::map<std::string, int> survived;
  const int reached = FailEveryPoint("census.", 10, 10, &survived);
  Report("census", reached, survived);
  EXPECT_GE(survived["census.table_insert"], 1);
}

// cgc_collect returns 0 for "nothing freed" and "failed" alike; cgc_collect_ex,
// the STOP event and the stats tell the failure apart.
TEST_F(FaultInjection, CollectExReportsACollectionThatRanOutOfMemory) {
  StartRuntime();
  std::vector<cgc_object*> live;
  for (int i = 0; i < 3000; ++i) {
    cgc_object* o = cgc_alloc(&kPlain, sizeof(Node));
    ASSERT_NE(o, nullptr) << cgc_last_error();
    reinterpret_cast<Node*>(o)->magic = kAlive;
    live.push_back(o);
  }
  FaultInjectionArm(1, "collector.object_stack_grow");
  size_t freed = 99;
  EXPECT_EQ(cgc_collect_ex(&freed), CGC_ENOMEM);
  FaultInjectionDisarm();
  EXPECT_EQ(freed, 0u);
  EXPECT_THAT(cgc_last_error(), HasSubstr("out of memory"));
  cgc_stats stats;
  ASSERT_EQ(cgc_get_stats(&stats), CGC_OK);
  EXPECT_EQ(stats.collections_failed, 1u);
  EXPECT_EQ(cgc_collect_ex(&freed), CGC_OK);  // the next one works
  ASSERT_EQ(cgc_get_stats(&stats), CGC_OK);
  EXPECT_EQ(stats.collections_failed, 1u);
  for (cgc_object* o : live) cgc_decref(o);
  cgc_census_enable(0);
  cgc_shutdown();
}

TEST_F(FaultInjection, ArmedFailureHitsExactlyTheNthVisit) {
  StartRuntime();
  FaultInjectionArm(3, "runtime.cgc_alloc");
  std::vector<cgc_object*> got;
  for (int i = 0; i < 5; ++i) got.push_back(cgc_alloc(&kPlain, sizeof(Node)));
  const FaultInjectionCounts fi = FaultInjectionGetCounts();
  FaultInjectionDisarm();
  EXPECT_EQ(fi.visits, 5u);
  EXPECT_EQ(fi.failures, 1u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(got[i] == nullptr, i == 2) << i;
  for (cgc_object* o : got) {
    if (o != nullptr) {
      reinterpret_cast<Node*>(o)->magic = kAlive;
      cgc_decref(o);
    }
  }
  cgc_census_enable(0);
  cgc_shutdown();
}

}  // namespace
}  // namespace cyclegc::internal
