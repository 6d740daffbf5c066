// The stops a collection makes (collect.cc) and their pause figures.
#ifndef CYCLEGC_COLLECTOR_COLLECT_STOPS_H_
#define CYCLEGC_COLLECTOR_COLLECT_STOPS_H_

#include <cstdint>

namespace cyclegc::internal {

// Stopped-world time and time-to-safepoint of one collection. Each stop ends
// when the world restarts: what the stop found dead is destroyed after that,
// by the collecting thread while the others run, and is not part of it.
struct Pauses {
  uint64_t mark_ns = 0;
  uint64_t mark_restart_ns = 0;  // NowNs() when the marking stop ended
  uint64_t resurrect_ns = 0;
  uint64_t other_ns = 0;  // the extra stop that reaps deferred deaths
  uint64_t max_tts_ns = 0;
};

// Stops the world and merges refcounts; returns NowNs() before the stop.
uint64_t StopAndMerge(Pauses& p);

// Before the marking stop: settle queued deaths, so that an object already
// dead does not count as a root keeping cyclic trash alive until next time.
// Returns with the world stopped and refcounts merged.
uint64_t StopSettlingQueuedDeaths(Pauses& p);

// After the clear pass: the collector's releases of objects owned by other
// threads went to their merge queues; settle them so the collection's result
// (and the census) is exact when cgc_collect returns.
// Per-thread-counted members reach zero unseen (only a stopped merge sees
// it): `per_thread_members` asks for at least one stop.
// An owner that took its queue at a safepoint just before a stop runs those
// deaths with the world running: wait for it (bounded: a destroy may block
// on this collection) so they count in this collection's result.
void ReapDeferredDeaths(Pauses& p, bool per_thread_members);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_COLLECT_STOPS_H_
