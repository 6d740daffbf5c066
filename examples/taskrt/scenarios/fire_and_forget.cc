#include "scenarios/fire_and_forget.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/closure.h"
#include "runtime/counters.h"
#include "runtime/loop.h"
#include "runtime/runtime_scope.h"
#include "runtime/task_registry.h"
#include "scenarios/garbage.h"

namespace taskrt {
namespace {

struct FireClosure : ClosureBase {
  static constexpr const char* kTypeName = "FireClosure";
  int64_t id = 0;
  int delay_ticks = 0;
  int stage = 0;
};

Step FireStep(Task& self, cyclegc::Object& closure) {
  auto& c = static_cast<FireClosure&>(closure);
  switch (c.stage++) {
    case 0: {
      MakeCyclicGarbage();
      cyclegc::Ref<Future> io = cyclegc::Make<Future>(self.name() + "/io");
      if (!io ||
          !Loop::Current()->CompleteLater(io, c.id, c.delay_ticks).ok()) {
        return Step::Done(-1);
      }
      return Step::Await(std::move(io));
    }
    default:
      return Step::Done(self.awaited_value());
  }
}

}  // namespace

absl::StatusOr<FireAndForgetResult> RunFireAndForget(
    const FireAndForgetOptions& options) {
  absl::StatusOr<std::unique_ptr<RuntimeScope>> runtime =
      RuntimeScope::Start(CountTriggerConfig(options.threshold));
  if (!runtime.ok()) return runtime.status();
  cgc_stats before;
  cgc_get_stats(&before);

  FireAndForgetResult result;
  {
    Loop loop("fire-and-forget",
              Loop::Options{.drop_waiting = options.loop_drops_waiting});
    for (int i = 0; i < options.tasks; ++i) {
      cyclegc::Ref<FireClosure> closure = cyclegc::Make<FireClosure>();
      if (!closure) return absl::ResourceExhaustedError(cgc_last_error());
      closure->id = i;
      closure->delay_ticks = options.delay_ticks;
      // Fire and forget: the returned reference is dropped at once.
      if (!loop.Spawn(absl::StrFormat("fire-%d", i), &FireStep,
                      std::move(closure))) {
        return absl::ResourceExhaustedError(cgc_last_error());
      }
      ++result.spawned;
    }
    result.registry_live_after_spawn =
        static_cast<int64_t>(TaskRegistry::Global().LiveCount());
    if (absl::Status st = loop.RunUntilIdle(); !st.ok()) return st;
  }
  cgc_stats after;
  cgc_get_stats(&after);
  result.collections = after.collections - before.collections;
  result.objects_collected = after.objects_collected - before.objects_collected;

  cgc_collect();  // leftover garbage cycles
  const Counters& c = GlobalCounters();
  result.completed = c.tasks_completed.load();
  result.tasks_destroyed_pending = c.tasks_destroyed_pending.load();
  result.futures_destroyed_unresolved = c.futures_destroyed_unresolved.load();
  result.completions_dropped = c.completions_dropped.load();
  result.registry_live_after =
      static_cast<int64_t>(TaskRegistry::Global().LiveCount());
  result.tasks_live_after = c.tasks.Live();
  result.futures_live_after = c.futures.Live();
  result.closures_live_after = c.closures.Live();
  return result;
}

}  // namespace taskrt
