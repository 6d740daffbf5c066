// Reading the collector's census of cyclic trash.
#ifndef TASKRT_SCENARIOS_CENSUS_H_
#define TASKRT_SCENARIOS_CENSUS_H_

#include <vector>

#include "scenarios/sessions.h"

namespace taskrt {

// Every type the census recorded, most bytes first (empty if it is off).
std::vector<CensusRow> ReadCensus();

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_CENSUS_H_
