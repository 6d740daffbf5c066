// The collector's counters behind cgc_get_stats(). Written by the collecting
// thread (one collection at a time) and by NotifyObjectDeath on any thread;
// read at any time.
#ifndef CYCLEGC_COLLECTOR_STATS_H_
#define CYCLEGC_COLLECTOR_STATS_H_

#include <cstdint>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Folds a finished collection (its STOP event) into the counters.
void StatsRecordCollection(const cgc_event& stop);
// Deaths counted so far: a collection's count is the difference across it.
uint64_t StatsCollectedDeaths();
uint64_t StatsCollections();
// Every counter, the trigger's included (what cgc_get_stats copies from).
void FillStats(cgc_stats* out);
void StatsReset();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STATS_H_
