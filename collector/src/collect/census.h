// Census of cyclic trash: by type name, the objects and bytes that died only
// because the collector ran (they were in a collection's unreachable set when
// freed), accumulated and per collection. Off by default; when off the only
// cost is one relaxed load per death of an unreachable object.
#ifndef CYCLEGC_COLLECTOR_CENSUS_H_
#define CYCLEGC_COLLECTOR_CENSUS_H_

#include <atomic>
#include <cstdio>
#include <vector>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

extern std::atomic<bool> g_census_enabled;
inline bool CensusEnabled() {
  return g_census_enabled.load(std::memory_order_relaxed);
}

// Records the death of `o`, an object of the unreachable set (census on).
void CensusRecordDeath(const cgc_object* o);
// Starts a new per-collection table.
void CensusBeginCollection();
// Entries sorted by bytes (then objects), most first. Type name pointers stay
// valid until CensusForgetNames().
std::vector<cgc_census_entry> CensusTotals();
std::vector<cgc_census_entry> CensusLastCollection();
// Logs the top `top` types of the accumulated census.
void CensusPrint(size_t top);
// Zeroes every count (names are kept so returned pointers stay valid).
void CensusReset();
// Shutdown: drops the names too.
void CensusForgetNames();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CENSUS_H_
