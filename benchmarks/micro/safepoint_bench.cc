// cgc_safepoint cost with nothing pending, time-to-safepoint of a
// stop-the-world with 2..16 mutator threads in tight loops, and what a whole
// stop and restart costs the stopper and each allocating mutator.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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

// Each iteration: a whole stop and restart, as a collection of a small heap
// makes them, against mutators that allocate and drop objects (cgc_alloc is a
// safepoint). Real time per iteration is the stopper's side; the counter
// mutator_ns_per_stop is what each mutator lost per stop: its rate without
// stops (measured first) against its rate during the iterations.
void BM_StopRoundTrip(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  static const cgc_type kType = {sizeof(cgc_type), "bench.leaf", nullptr,
                                 nullptr,          nullptr,      nullptr};
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::vector<std::atomic<uint64_t>> counts(static_cast<size_t>(threads));
  std::vector<std::thread> mutators;
  for (int t = 0; t < threads; ++t) {
    mutators.emplace_back([&, t] {
      cgc_thread_attach();
      started.fetch_add(1);
      uint64_t n = 0;
      while (!done.load(std::memory_order_relaxed)) {
        cgc_object* o = cgc_alloc(&kType, sizeof(cgc_object));
        if (o != nullptr) cgc_decref(o);
        if ((++n & 255) == 0) {
          counts[static_cast<size_t>(t)].store(n, std::memory_order_relaxed);
        }
      }
      cgc_thread_detach();
    });
  }
  while (started.load() < threads) std::this_thread::yield();
  auto total = [&] {
    uint64_t sum = 0;
    for (auto& c : counts) sum += c.load(std::memory_order_relaxed);
    return sum;
  };
  const auto c0 = total();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double free_rate =
      static_cast<double>(total() - c0) /
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  uint64_t stops = 0;
  const auto c1 = total();
  const auto t1 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    cyclegc::internal::StopTheWorld();
    cyclegc::internal::StartTheWorld();
    ++stops;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1)
          .count();
  const double made = static_cast<double>(total() - c1);
  done.store(true);
  for (auto& m : mutators) m.join();
  // What the mutators would have made in `secs` without stops, less what
  // they made, as time at the free rate: each mutator's loss, per stop.
  const double lost_s = (free_rate * secs - made) / free_rate;
  state.counters["mutator_ns_per_stop"] =
      stops != 0 ? lost_s / static_cast<double>(stops) * 1e9 : 0;
}
BENCHMARK(BM_StopRoundTrip)->Arg(1)->Arg(2)->UseRealTime()->MinTime(1.0);

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
