// End to end, with the real runtime, collector and allocator: cyclic trash
// whose payloads only the collector can free. After a warm-up that leaves
// mimalloc holding freed pages (as any long-running process does), the rss
// policy (CPython 3.14t) sees RSS grow far less than the trash and defers
// while trash piles up; the fullpages policy sees the full pages the trash
// fills and collects on memory growth. Asserts on the collector's counts
// (stats and events), never on time.
#include <cstdio>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "e2e_workload.h"
#include "gtest/gtest.h"

namespace cyclegc_e2e {
namespace {

constexpr size_t kThreshold = 100;   // young objects
constexpr size_t kBatch = 256;       // the runtime's young batch
constexpr double kDeferCap = 40;     // the default
constexpr size_t kPayload = 4096;    // per object, freed by destroy
constexpr size_t kWarmUnits = 3000;  // 6000 objects, ~24 MB of payload
constexpr size_t kUnits = 5000;      // 10000 objects: two deferral caps' worth

void Start(cgc_trigger_kind kind) {
  cgc_config c;
  cgc_config_default(&c);
  c.threshold = kThreshold;
  c.trigger = kind;
  c.defer_cap = kDeferCap;
  ASSERT_EQ(cgc_init(&c), CGC_OK) << cgc_last_error();
  ASSERT_EQ(cgc_callback_add(&OnEvent, nullptr), 0) << cgc_last_error();
}

// Warm-up: trash collected explicitly, so the process's memory high-water
// mark is reached and mimalloc keeps the freed pages; then the measured phase.
PhaseResult WarmUpThenRun() {
  cgc_disable();
  RunPhase(kWarmUnits, kPayload);
  cgc_enable();
  cgc_collect();
  EXPECT_EQ(TrashNow(), 0u) << "warm-up trash not collected";
  return RunPhase(kUnits, kPayload);
}

void Print(const char* policy, const PhaseResult& r) {
  std::printf(
      "[%s] %zu objects of cyclic trash made: max trash %zu objects, "
      "deferrals %llu, collections %llu (memory growth %llu, deferral cap "
      "%llu, threshold %llu)\n",
      policy, 2 * kUnits, r.max_trash,
      static_cast<unsigned long long>(r.deferrals),
      static_cast<unsigned long long>(r.collections),
      static_cast<unsigned long long>(r.by_reason[CGC_REASON_MEMORY_GROWTH]),
      static_cast<unsigned long long>(r.by_reason[CGC_REASON_DEFER_CAP]),
      static_cast<unsigned long long>(r.by_reason[CGC_REASON_THRESHOLD]));
}

// Both policies on the same workload, one after the other (cgc_shutdown in
// between). The process also holds 64 MB outside mimalloc (as an embedding
// process holds its own memory): RSS-based deferral compares trash with the
// whole process; full-page bytes see only the allocator's pages.
TEST(TriggerEndToEnd, RssDefersWhileTrashGrowsFullPagesCollects) {
  std::vector<char> ballast(64 << 20);
  for (size_t i = 0; i < ballast.size(); i += 4096) ballast[i] = 1;

  Start(CGC_TRIGGER_RSS);
  const PhaseResult rss = WarmUpThenRun();
  cgc_shutdown();
  Print("rss", rss);

  Start(CGC_TRIGGER_FULLPAGES);
  const PhaseResult fp = WarmUpThenRun();
  cgc_shutdown();
  Print("fullpages", fp);

  // rss: a check per young batch (~39); most of them defer, and trash runs
  // far past the threshold before a collection.
  const uint64_t rss_auto = rss.by_reason[CGC_REASON_MEMORY_GROWTH] +
                            rss.by_reason[CGC_REASON_DEFER_CAP];
  EXPECT_GE(rss.deferrals, 2 * kUnits / kBatch / 2);
  EXPECT_GT(rss.deferrals, 4 * rss_auto);
  EXPECT_GT(rss.max_trash, 10 * kThreshold);

  // fullpages: the trash fills full pages, so checks collect on memory
  // growth; it never needs the cap, and trash stays within a few batches.
  EXPECT_GE(fp.by_reason[CGC_REASON_MEMORY_GROWTH], 2 * kUnits / kBatch / 4);
  EXPECT_EQ(fp.by_reason[CGC_REASON_DEFER_CAP], 0u);
  EXPECT_LE(fp.deferrals, fp.by_reason[CGC_REASON_MEMORY_GROWTH] / 4);
  EXPECT_LT(fp.max_trash, 4 * kBatch);

  // The comparison the project exists for.
  EXPECT_GT(rss.max_trash, 4 * fp.max_trash);
}

}  // namespace
}  // namespace cyclegc_e2e
