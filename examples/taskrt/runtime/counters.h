// Process-wide counts of runtime objects and of the failures the runtime
// detects (a task or future destroyed before it finished). Scenarios and tests
// check them: "nothing freed early" and "everything freed at the end".
#ifndef TASKRT_RUNTIME_COUNTERS_H_
#define TASKRT_RUNTIME_COUNTERS_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace taskrt {

struct TypeCounts {
  std::atomic<int64_t> created{0};
  std::atomic<int64_t> destroyed{0};
  int64_t Live() const { return created.load() - destroyed.load(); }
  void Reset() {
    created = 0;
    destroyed = 0;
  }
};

struct Counters {
  TypeCounts tasks;
  TypeCounts futures;
  TypeCounts closures;  // every closure type (ClosureBase)
  TypeCounts sessions;
  std::atomic<int64_t> tasks_completed{0};
  // Failures the runtime detects and warns about.
  std::atomic<int64_t> tasks_destroyed_pending{0};
  std::atomic<int64_t> futures_destroyed_unresolved{0};
  std::atomic<int64_t> futures_resolved_twice{0};
  std::atomic<int64_t> tasks_stepped_after_done{0};
  std::atomic<int64_t> completions_dropped{
      0};  // external completion found its future gone
  std::atomic<int64_t> warnings{0};
};

Counters& GlobalCounters();
// Zeroes every count; call only when no runtime object is alive.
void ResetCounters();

enum class WarningKind { kTaskPending, kFutureUnresolved, kMisuse, kCount };

// Prints "taskrt: warning: <message>" to stderr and counts it. Only the first
// few of each kind are printed, so one failure mode cannot hide another.
void Warn(WarningKind kind, const std::string& message);

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_COUNTERS_H_
