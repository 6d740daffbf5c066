// cgc_safepoint cost with nothing pending, and time-to-safepoint of a
// stop-the-world with 2..16 mutator threads in tight loops.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "seams.h"

namespace {

void BM_SafepointNothingPending(benchmark::State& state) {
  for (auto _ : state) {
    cgc_safepoint();
  }
}
BENCHMARK(BM_SafepointNothingPending);

// Each iteration: stop the world, restart it. The reported time is the
// time-to-safepoint (manual time); mutators poll every loop iteration.
void BM_TimeToSafepoint(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::vector<std::thread> mutators;
  for (int t = 0; t < threads; ++t) {
    mutators.emplace_back([&] {
      cgc_thread_attach();
      started.fetch_add(1);
      uint64_t work = 0;
      while (!done.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 64; ++i) benchmark::DoNotOptimize(work += i);
        cgc_safepoint();
      }
      cgc_thread_detach();
    });
  }
  while (started.load() < threads) std::this_thread::yield();
  uint64_t max_ns = 0;
  for (auto _ : state) {
    const uint64_t ns = cyclegc::internal::StopTheWorld();
    cyclegc::internal::StartTheWorld();
    max_ns = std::max(max_ns, ns);
    state.SetIterationTime(static_cast<double>(ns) * 1e-9);
  }
  done.store(true);
  for (auto& t : mutators) t.join();
  state.counters["max_tts_us"] = static_cast<double>(max_ns) / 1e3;
}
BENCHMARK(BM_TimeToSafepoint)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->Arg(16)
    ->UseManualTime()
    ->Iterations(200);

}  // namespace

int main(int argc, char** argv) {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  if (cgc_init(&config) != 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  cgc_shutdown();
  return 0;
}
