#include "collect_stops.h"

#include <atomic>
#include <cstdint>
#include <thread>

#include "clock.h"
#include "seams.h"
#include "stop_the_world.h"

namespace cyclegc::internal {
namespace {

// Objects sit in merge queues when a non-owner dropped what may be their last
// reference; a queue of a thread that is blocked (or parked) drains only when
// the world is stopped, and an object found dead there is destroyed by the
// stopper once the world restarts, which may queue its children in turn. Such
// deaths can take one stop per level of a chain that alternates owners.
inline constexpr int kMaxReapStops = 64;
inline constexpr uint64_t kMaxDrainWaitNs = 20'000'000;

bool MergesPending() {
  return g_safepoint_word.load(std::memory_order_acquire) >= kPendingMergeUnit;
}

}  // namespace

uint64_t StopAndMerge(Pauses& p) {
  uint64_t t0 = NowNs();
  uint64_t tts = StopTheWorld();
  if (tts > p.max_tts_ns) p.max_tts_ns = tts;
  MergeRefcountsWhileStopped();
  return t0;
}

uint64_t StopSettlingQueuedDeaths(Pauses& p) {
  for (int i = 0;; ++i) {
    uint64_t t0 = NowNs();
    uint64_t tts = StopTheWorld();
    if (tts > p.max_tts_ns) p.max_tts_ns = tts;
    // Per-thread-counted objects found dead here are settled the same way.
    const bool pending = MergesPending();
    const bool died = MergeRefcountsWhileStopped();
    if (!(pending || died) || i == kMaxReapStops) return t0;
    p.other_ns += StartTheWorld() - t0;  // then destroys what the merge found
  }
}

void ReapDeferredDeaths(Pauses& p, bool per_thread_members) {
  const uint64_t give_up = NowNs() + kMaxDrainWaitNs;
  for (int i = 0; i < kMaxReapStops;) {
    if (MergesPending() || per_thread_members) {
      per_thread_members = false;
      uint64_t t0 = StopAndMerge(p);
      p.other_ns += StartTheWorld() - t0;
      ++i;
    } else if (DrainsInFlight() && NowNs() < give_up) {
      std::this_thread::yield();
    } else {
      return;
    }
  }
}

}  // namespace cyclegc::internal
