// Cost of the trigger check on the allocation path, amortized per allocation,
// with 1, 2 and 64 attached threads.
//
// Each iteration is what cgc_alloc does for the trigger: the runtime's
// AddYoung(+1) (a per-thread delta; every 256 it calls OnYoungBatch, which
// folds the batch into the shared young count and compares it with the gate).
// The collect function is injected and only reports completion, so the figures
// are the trigger's own cost, not a collection's.
//
//   BM_YoungCheck_GateClosed   young never passes the gate (fast path only)
//   BM_YoungCheck/<policy>     threshold 2000: the policy decides every 2000
//                              young objects (rss: two /proc reads; fullpages:
//                              summed counters; paced: every 1000 young)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "config.h"
#include "cyclegc/cyclegc.h"
#include "policy_table.h"
#include "thread_state.h"
#include "trigger.h"

namespace ci = cyclegc::internal;

namespace {

size_t NoopCollect(cgc_reason, const ci::TriggerFigures&) {
  ci::TriggerOnCollectionDone(0);
  return 0;
}

void InitTrigger(cgc_trigger_kind kind, size_t threshold) {
  ci::Config c;
  c.trigger = kind;
  c.threshold = threshold;
  ci::TriggerDeps deps;
  deps.collect = &NoopCollect;
  if (absl::Status s = ci::TriggerInitWith(c, deps); !s.ok()) {
    std::fprintf(stderr, "TriggerInitWith: %s\n", s.ToString().c_str());
    std::abort();
  }
}

// Attaches the benchmark thread for the run (thread 0 may be the main thread,
// attached by cgc_init).
class Attached {
 public:
  Attached() : attached_here_(cgc_thread_attach() == CGC_OK) {}
  ~Attached() {
    if (attached_here_) cgc_thread_detach();
  }

 private:
  bool attached_here_;
};

void RunAllocationPath(benchmark::State& state) {
  Attached attached;
  ci::ThreadState* ts = ci::CurrentThread();
  for (auto _ : state) {
    ci::AddYoung(ts, 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_YoungCheck_GateClosed(benchmark::State& state) {
  if (state.thread_index() == 0) {
    InitTrigger(CGC_TRIGGER_FULLPAGES, ci::ConfigLimits::kMaxThreshold);
  }
  RunAllocationPath(state);
}

void BM_YoungCheck(benchmark::State& state) {
  auto kind = static_cast<cgc_trigger_kind>(state.range(0));
  if (state.thread_index() == 0) {
    InitTrigger(kind, 2000);
    state.SetLabel(ci::TriggerName(kind));
  }
  RunAllocationPath(state);
  if (state.thread_index() == 0) {
    ci::TriggerCounters c = ci::GetTriggerCounters();
    state.counters["decided_collect"] = static_cast<double>(c.triggered);
    state.counters["deferrals"] = static_cast<double>(c.deferrals);
  }
}

BENCHMARK(BM_YoungCheck_GateClosed)->Threads(1)->Threads(2)->Threads(64);
BENCHMARK(BM_YoungCheck)
    ->ArgName("policy")
    ->DenseRange(0, static_cast<int64_t>(ci::Policies().size()) - 1)
    ->Threads(1)
    ->Threads(2)
    ->Threads(64);

}  // namespace

int main(int argc, char** argv) {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;  // the benchmarks install their own trigger
  if (cgc_init(&config) != CGC_OK) {
    std::fprintf(stderr, "cgc_init: %s\n", cgc_last_error());
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  cgc_shutdown();
  return 0;
}
