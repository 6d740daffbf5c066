#include "runtime/counters.h"

#include <cstdio>

namespace taskrt {
namespace {
constexpr int64_t kPrintedPerKind = 10;
std::atomic<int64_t> g_by_kind[static_cast<int>(WarningKind::kCount)];
}  // namespace

Counters& GlobalCounters() {
  static Counters* counters = new Counters();
  return *counters;
}

void ResetCounters() {
  Counters& c = GlobalCounters();
  c.tasks.Reset();
  c.futures.Reset();
  c.closures.Reset();
  c.sessions.Reset();
  c.tasks_completed = 0;
  c.tasks_destroyed_pending = 0;
  c.futures_destroyed_unresolved = 0;
  c.futures_resolved_twice = 0;
  c.tasks_stepped_after_done = 0;
  c.completions_dropped = 0;
  c.warnings = 0;
  for (std::atomic<int64_t>& n : g_by_kind) n = 0;
}

void Warn(WarningKind kind, const std::string& message) {
  GlobalCounters().warnings.fetch_add(1);
  int64_t n = g_by_kind[static_cast<int>(kind)].fetch_add(1) + 1;
  if (n <= kPrintedPerKind) {
    std::fprintf(stderr, "taskrt: warning: %s\n", message.c_str());
  } else if (n == kPrintedPerKind + 1) {
    std::fprintf(
        stderr,
        "taskrt: warning: further warnings of this kind are only counted\n");
  }
}

}  // namespace taskrt
