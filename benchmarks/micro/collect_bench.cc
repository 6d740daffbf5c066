// Collection time against heap size: all-reachable heaps (a full walk that
// frees nothing) and all-garbage heaps (rings of small cyclic objects).
// Reports ns per object visited and the max stopped-world pause. Sizes 10^3 ..
// 10^6 by default; CYCLEGC_BENCH_HUGE=1 adds 10^7.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "cyclegc/cyclegc.h"

namespace {

struct Small {
  cgc_object hdr;
  cgc_object* next;
};

int SmallTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  cgc_object* n = reinterpret_cast<Small*>(self)->next;
  return n != nullptr ? visit(n, arg) : 0;
}
void SmallClear(cgc_object* self) {
  auto* s = reinterpret_cast<Small*>(self);
  cgc_object* n = s->next;
  s->next = nullptr;
  if (n != nullptr) cgc_decref(n);
}
const cgc_type kSmall = {sizeof(cgc_type), "Small", SmallTraverse,
                         SmallClear,       nullptr, nullptr};

void Init() {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  if (cgc_init(&config) != CGC_OK) std::abort();
}

// `n` objects in rings of 8; returns one held head per ring.
std::vector<cgc_object*> MakeRings(size_t n) {
  std::vector<cgc_object*> heads;
  constexpr size_t kRing = 8;
  for (size_t i = 0; i < n; i += kRing) {
    cgc_object* first = cgc_alloc(&kSmall, sizeof(Small));
    cgc_object* prev = first;
    for (size_t k = 1; k < kRing; ++k) {
      cgc_object* o = cgc_alloc(&kSmall, sizeof(Small));
      reinterpret_cast<Small*>(prev)->next = o;  // takes the allocation ref
      prev = o;
    }
    cgc_incref(first);
    reinterpret_cast<Small*>(prev)->next = first;
    heads.push_back(first);
  }
  return heads;
}

struct PauseProbe {
  uint64_t max_pause_ns = 0;
  uint64_t visited = 0;
  static void OnEvent(const cgc_event* e, void* arg) {
    if (e->kind != CGC_EVENT_STOP) return;
    auto* p = static_cast<PauseProbe*>(arg);
    if (e->pause_ns > p->max_pause_ns) p->max_pause_ns = e->pause_ns;
    p->visited += e->visited;
  }
};

void Report(benchmark::State& state, const PauseProbe& probe) {
  state.counters["ns_per_object"] = benchmark::Counter(
      static_cast<double>(probe.visited),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["max_pause_ms"] =
      static_cast<double>(probe.max_pause_ns) / 1e6;
  state.counters["objects"] = static_cast<double>(state.range(0));
}

void BM_CollectReachable(benchmark::State& state) {
  Init();
  std::vector<cgc_object*> heads =
      MakeRings(static_cast<size_t>(state.range(0)));
  PauseProbe probe;
  cgc_callback_add(&PauseProbe::OnEvent, &probe);
  for (auto _ : state) {
    if (cgc_collect() != 0) state.SkipWithError("collected a reachable object");
  }
  Report(state, probe);
  cgc_callback_remove(&PauseProbe::OnEvent, &probe);
  for (cgc_object* h : heads) cgc_decref(h);
  cgc_shutdown();
}

void BM_CollectGarbage(benchmark::State& state) {
  Init();
  const size_t n = static_cast<size_t>(state.range(0));
  PauseProbe probe;
  cgc_callback_add(&PauseProbe::OnEvent, &probe);
  for (auto _ : state) {
    state.PauseTiming();
    for (cgc_object* h : MakeRings(n)) cgc_decref(h);
    state.ResumeTiming();
    if (cgc_collect() < n) state.SkipWithError("garbage left behind");
  }
  Report(state, probe);
  cgc_callback_remove(&PauseProbe::OnEvent, &probe);
  cgc_shutdown();
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n = 1000; n <= 1000000; n *= 10) b->Arg(n);
  if (std::getenv("CYCLEGC_BENCH_HUGE") != nullptr) b->Arg(10000000);
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_CollectReachable)->Apply(Sizes);
BENCHMARK(BM_CollectGarbage)->Apply(Sizes);

}  // namespace

BENCHMARK_MAIN();
