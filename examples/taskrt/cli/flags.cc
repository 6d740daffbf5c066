#include "cli/flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(int32_t, dispatches, 1000,
          "sessions: dispatches to run (1..10000000)");
ABSL_FLAG(
    bool, break_cycle, false,
    "sessions: the worker's done callback drops the session's task (the fix)");
ABSL_FLAG(int32_t, tasks, 1000,
          "fire-and-forget: tasks to spawn (1..10000000)");
ABSL_FLAG(int32_t, delay_ticks, 3,
          "fire-and-forget: loop iterations until a task's future resolves "
          "(1..1000)");
ABSL_FLAG(
    bool, loop_drops_waiting, false,
    "fire-and-forget: deliberately broken loop that forgets waiting tasks");
ABSL_FLAG(int32_t, chains, 1000, "futures: task chains (1..10000000)");
ABSL_FLAG(int32_t, length, 2,
          "futures: tasks per chain, each awaiting the previous (1..1000)");
ABSL_FLAG(int32_t, threads, 4, "threads: loops, one per thread (1..256)");
ABSL_FLAG(int32_t, tasks_per_thread, 500,
          "threads: consumer/producer pairs each thread spawns (1..1000000)");
ABSL_FLAG(int32_t, threshold, 16,
          "young-count threshold of automatic collection (count trigger; "
          "1..1000000)");
