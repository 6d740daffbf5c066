// Scenario `sessions`: dispatches whose session <-> worker-task cycle only the
// collector frees, unless the done callback breaks it (background 000).
#ifndef TASKRT_SCENARIOS_SESSIONS_H_
#define TASKRT_SCENARIOS_SESSIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace taskrt {

struct SessionsOptions {
  int dispatches = 1000;
  bool break_cycle = false;
  bool census = false;  // also enabled by CYCLEGC_DEBUG=census
  bool cycles = false;  // the cycle report; also CYCLEGC_DEBUG=cycles
};

struct CycleRow {
  std::string ring;  // "Session -> Task -> ... -> Session"
  uint64_t cycles = 0;
  uint64_t bytes = 0;
};

struct CensusRow {
  std::string type_name;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

struct SessionsResult {
  int64_t completed = 0;  // dispatches whose done future held the right value
  // Counted through weak references once every dispatch finished and the
  // caller dropped its sessions, with automatic collection off.
  int64_t sessions_live_before = 0;
  int64_t tasks_live_before = 0;
  int64_t registry_live_before = 0;
  size_t collected = 0;  // cgc_collect()
  int64_t sessions_live_after = 0;
  int64_t tasks_live_after = 0;
  std::vector<CensusRow> census;  // cyclic trash of this run, most bytes first
  std::vector<CycleRow> cycles;   // sampled cycle shapes, most cycles first
};

absl::StatusOr<SessionsResult> RunSessions(const SessionsOptions& options);

}  // namespace taskrt

#endif  // TASKRT_SCENARIOS_SESSIONS_H_
