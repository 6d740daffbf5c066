#include "stats.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "abi.h"
#include "registry.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

std::atomic<uint64_t> g_collections{0};
std::atomic<uint64_t> g_resurrected{0};
std::atomic<uint64_t> g_finalizers{0};
std::atomic<uint64_t> g_last_pause{0};
std::atomic<uint64_t> g_max_pause{0};
std::atomic<uint64_t> g_total_pause{0};
std::atomic<uint64_t> g_failed{0};

}  // namespace

void StatsRecordCollection(const cgc_event& stop) {
  g_collections.fetch_add(1, kRelaxed);
  if (stop.status != CGC_OK) g_failed.fetch_add(1, kRelaxed);
  g_resurrected.fetch_add(stop.resurrected, kRelaxed);
  g_finalizers.fetch_add(stop.finalized, kRelaxed);
  g_last_pause.store(stop.pause_ns, kRelaxed);
  if (stop.pause_ns > g_max_pause.load(kRelaxed))
    g_max_pause.store(stop.pause_ns, kRelaxed);
  g_total_pause.fetch_add(stop.pause_ns, kRelaxed);
}

uint64_t StatsCollectedDeaths() { return CollectedDeaths(); }
uint64_t StatsCollections() { return g_collections.load(kRelaxed); }

void StatsReset() {
  ResetCollectedDeaths();
  for (auto* a : {&g_collections, &g_resurrected, &g_finalizers, &g_last_pause,
                  &g_max_pause, &g_total_pause, &g_failed}) {
    a->store(0, kRelaxed);
  }
}

}  // namespace cyclegc::internal

extern "C" int cgc_get_stats_sized_(cgc_stats* out, size_t size) {
  using namespace cyclegc::internal;
  if (int rc = CheckSizedOut("cgc_get_stats", "out", out, size, kStatsMinSize,
                             "cgc_stats");
      rc != CGC_OK) {
    return rc;
  }
  // Filled in full here, then as much as the caller's layout holds.
  cgc_stats all{};
  FillStats(&all);
  if (size > sizeof(cgc_stats)) std::memset(out, 0, size);
  std::memcpy(out, &all, std::min(size, sizeof(cgc_stats)));
  out->size = std::min(size, sizeof(cgc_stats));
  return CGC_OK;
}

void cyclegc::internal::FillStats(cgc_stats* out) {
  using namespace cyclegc::internal;
  out->collections = g_collections.load(kRelaxed);
  out->objects_collected = CollectedDeaths();
  out->objects_resurrected = g_resurrected.load(kRelaxed);
  out->finalizers_run = g_finalizers.load(kRelaxed);
  out->last_pause_ns = g_last_pause.load(kRelaxed);
  out->max_pause_ns = g_max_pause.load(kRelaxed);
  out->total_pause_ns = g_total_pause.load(kRelaxed);
  out->collections_failed = g_failed.load(kRelaxed);
  // One owner per figure: the trigger owns young, deferrals, the policy,
  // long_lived and the full-page figures (its memory source).
  TriggerFillStats(out);
}
