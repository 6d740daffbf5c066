// The flags of taskrt's subcommands (abseil flags) and their valid ranges.
#ifndef TASKRT_CLI_FLAGS_H_
#define TASKRT_CLI_FLAGS_H_

#include <cstdint>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(int32_t, dispatches);
ABSL_DECLARE_FLAG(bool, break_cycle);
ABSL_DECLARE_FLAG(int32_t, tasks);
ABSL_DECLARE_FLAG(int32_t, delay_ticks);
ABSL_DECLARE_FLAG(bool, loop_drops_waiting);
ABSL_DECLARE_FLAG(int32_t, chains);
ABSL_DECLARE_FLAG(int32_t, length);
ABSL_DECLARE_FLAG(int32_t, threads);
ABSL_DECLARE_FLAG(int32_t, tasks_per_thread);
ABSL_DECLARE_FLAG(int32_t, threshold);

#endif  // TASKRT_CLI_FLAGS_H_
