#include "cli/run_scenario.h"

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "cli/flags.h"
#include "scenarios/fire_and_forget.h"
#include "scenarios/futures.h"
#include "scenarios/sessions.h"
#include "scenarios/threads.h"

namespace taskrt {
namespace {

long long L(int64_t v) { return static_cast<long long>(v); }
unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

int Failed(const absl::Status& st) {
  std::fprintf(stderr, "taskrt: %s\n", st.ToString().c_str());
  return 1;
}

int Verdict(bool ok) {
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

int RunSessionsCommand() {
  SessionsOptions o;
  o.dispatches = absl::GetFlag(FLAGS_dispatches);
  o.break_cycle = absl::GetFlag(FLAGS_break_cycle);
  absl::StatusOr<SessionsResult> r = RunSessions(o);
  if (!r.ok()) return Failed(r.status());
  std::printf(
      "sessions: %d dispatches, automatic collection off, break_cycle=%s\n",
      o.dispatches, o.break_cycle ? "true" : "false");
  std::printf("  completed dispatches:   %lld\n", L(r->completed));
  std::printf(
      "  before cgc_collect:     live sessions %lld, live tasks %lld (weak "
      "task registry: %lld)\n",
      L(r->sessions_live_before), L(r->tasks_live_before),
      L(r->registry_live_before));
  std::printf("  cgc_collect freed:      %zu objects\n", r->collected);
  std::printf("  after cgc_collect:      live sessions %lld, live tasks %lld\n",
              L(r->sessions_live_after), L(r->tasks_live_after));
  std::printf(
      "  census of cyclic trash: %zu types%s\n", r->census.size(),
      r->census.empty() ? " (none, or census off: CYCLEGC_DEBUG=census)" : "");
  for (const CensusRow& row : r->census) {
    std::printf("    %-24s %10llu objects %12llu bytes\n",
                row.type_name.c_str(), U(row.objects), U(row.bytes));
  }
  std::printf("  sampled cycles:         %zu shapes%s\n", r->cycles.size(),
              r->cycles.empty()
                  ? " (none, or the report off: CYCLEGC_DEBUG=cycles)"
                  : "");
  for (const CycleRow& row : r->cycles) {
    std::printf("    %6llu x %s (%llu bytes)\n", U(row.cycles),
                row.ring.c_str(), U(row.bytes));
  }
  return Verdict(r->completed == o.dispatches && r->sessions_live_after == 0 &&
                 r->tasks_live_after == 0);
}

int RunFireAndForgetCommand() {
  FireAndForgetOptions o;
  o.tasks = absl::GetFlag(FLAGS_tasks);
  o.delay_ticks = absl::GetFlag(FLAGS_delay_ticks);
  o.threshold = static_cast<size_t>(absl::GetFlag(FLAGS_threshold));
  o.loop_drops_waiting = absl::GetFlag(FLAGS_loop_drops_waiting);
  absl::StatusOr<FireAndForgetResult> r = RunFireAndForget(o);
  if (!r.ok()) return Failed(r.status());
  std::printf(
      "fire-and-forget: %d tasks, threshold %zu (count trigger), "
      "loop_drops_waiting=%s\n",
      o.tasks, o.threshold, o.loop_drops_waiting ? "true" : "false");
  std::printf("  live in weak registry after spawn: %lld\n",
              L(r->registry_live_after_spawn));
  std::printf("  completed:                         %lld\n", L(r->completed));
  std::printf("  tasks destroyed while pending:     %lld\n",
              L(r->tasks_destroyed_pending));
  std::printf("  futures destroyed unresolved:      %lld\n",
              L(r->futures_destroyed_unresolved));
  std::printf("  completions whose future was gone: %lld\n",
              L(r->completions_dropped));
  std::printf(
      "  automatic collections during run:  %llu (freed %llu objects)\n",
      U(r->collections), U(r->objects_collected));
  std::printf(
      "  live after: tasks %lld, futures %lld, closures %lld, registry %lld\n",
      L(r->tasks_live_after), L(r->futures_live_after),
      L(r->closures_live_after), L(r->registry_live_after));
  bool ok = r->completed == o.tasks && r->tasks_destroyed_pending == 0 &&
            r->futures_destroyed_unresolved == 0 && r->tasks_live_after == 0 &&
            r->futures_live_after == 0 && r->closures_live_after == 0;
  if (!ok && r->tasks_destroyed_pending > 0) {
    std::printf(
        "  the loop held waiting tasks only weakly: the collector freed %lld "
        "mid-flight\n",
        L(r->tasks_destroyed_pending));
  }
  return Verdict(ok);
}

int RunFuturesCommand() {
  FuturesOptions o;
  o.chains = absl::GetFlag(FLAGS_chains);
  o.length = absl::GetFlag(FLAGS_length);
  o.threshold = static_cast<size_t>(absl::GetFlag(FLAGS_threshold));
  absl::StatusOr<FuturesResult> r = RunFutures(o);
  if (!r.ok()) return Failed(r.status());
  std::printf("futures: %d chains of %d tasks, threshold %zu (count trigger)\n",
              o.chains, o.length, o.threshold);
  std::printf(
      "  last futures resolved right:   %lld (wrong or unresolved: %lld)\n",
      L(r->chains_resolved), L(r->wrong_values));
  std::printf("  tasks completed:               %lld\n", L(r->completed));
  std::printf(
      "  futures destroyed unresolved:  %lld, tasks destroyed pending: %lld\n",
      L(r->futures_destroyed_unresolved), L(r->tasks_destroyed_pending));
  std::printf("  automatic collections:         %llu\n", U(r->collections));
  std::printf("  live after: tasks %lld, futures %lld, closures %lld\n",
              L(r->tasks_live_after), L(r->futures_live_after),
              L(r->closures_live_after));
  return Verdict(r->chains_resolved == o.chains &&
                 r->futures_destroyed_unresolved == 0 &&
                 r->tasks_destroyed_pending == 0 && r->tasks_live_after == 0 &&
                 r->futures_live_after == 0 && r->closures_live_after == 0);
}

int RunThreadsCommand() {
  ThreadsOptions o;
  o.threads = absl::GetFlag(FLAGS_threads);
  o.tasks_per_thread = absl::GetFlag(FLAGS_tasks_per_thread);
  o.threshold = static_cast<size_t>(absl::GetFlag(FLAGS_threshold));
  absl::StatusOr<ThreadsResult> r = RunThreads(o);
  if (!r.ok()) return Failed(r.status());
  std::printf(
      "threads: %d loops, %d consumer/producer pairs each, threshold %zu\n",
      o.threads, o.tasks_per_thread, o.threshold);
  std::printf("  tasks spawned / completed:        %lld / %lld\n",
              L(r->tasks_spawned), L(r->completed));
  std::printf(
      "  results checked / wrong:          %lld / %lld (%lld made by threads "
      "gone since)\n",
      L(r->results_checked), L(r->results_wrong),
      L(r->results_from_exited_threads));
  std::printf(
      "  threads that left mid-run:        %lld (posts redirected: %lld)\n",
      L(r->threads_exited_mid_run), L(r->redirected_posts));
  std::printf(
      "  destroyed early: tasks %lld, futures %lld; resolved twice %lld; "
      "stepped after done %lld\n",
      L(r->tasks_destroyed_pending), L(r->futures_destroyed_unresolved),
      L(r->futures_resolved_twice), L(r->tasks_stepped_after_done));
  std::printf("  automatic collections:            %llu (freed %llu objects)\n",
              U(r->collections), U(r->objects_collected));
  std::printf(
      "  live after: tasks %lld, futures %lld, closures %lld, registry entries "
      "%lld\n",
      L(r->tasks_live_after), L(r->futures_live_after),
      L(r->closures_live_after), L(r->registry_entries_after));
  return Verdict(
      r->completed == r->tasks_spawned && r->results_wrong == 0 &&
      r->results_checked ==
          static_cast<int64_t>(o.threads) * o.tasks_per_thread &&
      r->tasks_destroyed_pending == 0 && r->futures_destroyed_unresolved == 0 &&
      r->futures_resolved_twice == 0 && r->tasks_stepped_after_done == 0 &&
      r->tasks_live_after == 0 && r->futures_live_after == 0 &&
      r->closures_live_after == 0 && r->registry_entries_after == 0);
}

}  // namespace

int RunScenario(const std::string& subcommand) {
  if (subcommand == "sessions") return RunSessionsCommand();
  if (subcommand == "fire-and-forget") return RunFireAndForgetCommand();
  if (subcommand == "futures") return RunFuturesCommand();
  if (subcommand == "threads") return RunThreadsCommand();
  std::fprintf(stderr, "taskrt: no scenario '%s'\n", subcommand.c_str());
  return 2;
}

}  // namespace taskrt
