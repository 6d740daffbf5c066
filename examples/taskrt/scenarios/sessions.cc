#include "scenarios/sessions.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/loop.h"
#include "runtime/runtime_scope.h"
#include "runtime/session.h"
#include "runtime/task_registry.h"
#include "runtime/weak_ref.h"
#include "scenarios/census.h"

namespace taskrt {
namespace {

template <class T>
int64_t CountAlive(const std::vector<WeakRef<T>>& refs) {
  int64_t n = 0;
  for (const WeakRef<T>& w : refs) n += w.Alive() ? 1 : 0;
  return n;
}

}  // namespace

absl::StatusOr<SessionsResult> RunSessions(const SessionsOptions& options) {
  cgc_config config;
  cgc_config_default(&config);
  config.apply_env = 1;
  absl::StatusOr<std::unique_ptr<RuntimeScope>> runtime =
      RuntimeScope::Start(config);
  if (!runtime.ok()) return runtime.status();
  cgc_disable();  // refcounting alone, until the explicit cgc_collect below
  if (options.census) cgc_census_enable(1);
  cgc_census_reset();
  if (options.cycles) cgc_cycles_enable(1);
  cgc_cycles_reset();

  SessionsResult result;
  std::vector<WeakRef<Session>> weak_sessions;
  std::vector<WeakRef<Task>> weak_tasks;
  {
    Loop loop("sessions");
    std::vector<cyclegc::Ref<Session>> sessions;
    for (int i = 0; i < options.dispatches; ++i) {
      absl::StatusOr<cyclegc::Ref<Session>> s =
          Session::Dispatch(loop, i, options.break_cycle);
      if (!s.ok()) return s.status();
      weak_sessions.emplace_back(*s);
      weak_tasks.emplace_back((*s)->worker_task());
      if (!weak_sessions.back().ok() || !weak_tasks.back().ok()) {
        return absl::ResourceExhaustedError(
            absl::StrCat("cgc_weakref_new: ", cgc_last_error()));
      }
      sessions.push_back(*std::move(s));
    }
    if (absl::Status st = loop.RunUntilIdle(); !st.ok()) return st;
    for (const cyclegc::Ref<Session>& s : sessions) {
      if (s->done()->done() && s->done()->result() == 2 * s->id())
        ++result.completed;
    }
  }  // the caller drops its sessions; the loop holds nothing once idle

  result.sessions_live_before = CountAlive(weak_sessions);
  result.tasks_live_before = CountAlive(weak_tasks);
  result.registry_live_before =
      static_cast<int64_t>(TaskRegistry::Global().LiveCount());
  result.collected = cgc_collect();
  result.sessions_live_after = CountAlive(weak_sessions);
  result.tasks_live_after = CountAlive(weak_tasks);
  result.census = ReadCensus();
  std::vector<cgc_cycle_shape> shapes(cgc_cycles_get(nullptr, 0));
  shapes.resize(cgc_cycles_get(shapes.data(), shapes.size()));
  for (const cgc_cycle_shape& s : shapes) {
    result.cycles.push_back({s.ring, s.cycles, s.bytes});
  }
  return result;
}

}  // namespace taskrt
