// Small-object alloc/free throughput of mimalloc. The same source is built
// three times (symbols would clash in one process):
//   mimalloc_patch_bench           cyclegc's patched mimalloc (static, in-tree
//   flags) mimalloc_patch_bench_pristine  the unpatched Debian source, same
//   flags mimalloc_patch_bench_debian    Debian's libmimalloc.so
//   (libmimalloc-dev)
// scripts/bench_mimalloc_patch.sh runs them interleaved and prints ratios.
#include <cstddef>
#include <vector>

#include "benchmark/benchmark.h"
#include "mimalloc.h"

namespace {

// One block at a time: mimalloc's fast paths (no page transitions).
void BM_MallocFree(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = mi_malloc(size);
    benchmark::DoNotOptimize(p);
    mi_free(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MallocFree)->Arg(16)->Arg(64)->Arg(256)->Arg(1024);

// Many blocks live, then all freed: pages fill up (to-full transitions) and
// empty again (unfull, retire), where the patch does its accounting.
void BM_BatchAllocThenFree(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const size_t n = static_cast<size_t>(state.range(1));
  std::vector<void*> blocks(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) blocks[i] = mi_malloc(size);
    benchmark::DoNotOptimize(blocks.data());
    for (size_t i = 0; i < n; ++i) mi_free(blocks[i]);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_BatchAllocThenFree)
    ->Args({32, 20000})
    ->Args({128, 20000})
    ->Args({512, 5000});

// Interleaved: free every other block of a batch, then refill (partial pages).
void BM_ChurnHalf(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  constexpr size_t kN = 8192;
  std::vector<void*> blocks(kN);
  for (size_t i = 0; i < kN; ++i) blocks[i] = mi_malloc(size);
  for (auto _ : state) {
    for (size_t i = 0; i < kN; i += 2) mi_free(blocks[i]);
    for (size_t i = 0; i < kN; i += 2) blocks[i] = mi_malloc(size);
    benchmark::DoNotOptimize(blocks.data());
  }
  for (void* p : blocks) mi_free(p);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kN));
}
BENCHMARK(BM_ChurnHalf)->Arg(48);

}  // namespace

BENCHMARK_MAIN();
