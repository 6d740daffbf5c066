// Reference counting costs: owner and non-owner incref+decref, and the shape
// of CPython issue 124218 (threads creating short-lived closures that all
// reference the same "code" and "globals" objects) in three modes:
//   atomic    - code/globals have no owner: every count is an atomic RMW
//   biased    - owned by benchmark thread 0 (fast path there, atomic elsewhere)
//   perthread - cgc_set_per_thread_refcount on code/globals
// Throughput is items/s summed over threads; compare across ->Threads(n).
#include <benchmark/benchmark.h>

#include <thread>

#include "cyclegc/cyclegc.h"

namespace {

struct Closure {
  cgc_object header;
  cgc_object* code;
  cgc_object* globals;
};
int ClosureTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  auto* c = reinterpret_cast<Closure*>(self);
  if (int r = visit(c->code, arg)) return r;
  return visit(c->globals, arg);
}
void ClosureClear(cgc_object* self) {
  auto* c = reinterpret_cast<Closure*>(self);
  if (c->code != nullptr) cgc_decref(c->code);
  if (c->globals != nullptr) cgc_decref(c->globals);
  c->code = c->globals = nullptr;
}
const cgc_type kClosureType = {sizeof(cgc_type), "Closure", ClosureTraverse,
                               ClosureClear,     nullptr,   nullptr};
const cgc_type kLeafType = {sizeof(cgc_type), "Leaf",  nullptr,
                            nullptr,          nullptr, nullptr};

cgc_object* NewLeaf() { return cgc_alloc(&kLeafType, sizeof(cgc_object) + 24); }

// An object no thread owns: merged at once (owner's count handed to another).
cgc_object* NewUnowned() {
  cgc_object* o = NewLeaf();
  std::thread([o] {
    cgc_thread_attach();
    cgc_incref(o);
    cgc_thread_detach();
  }).join();
  cgc_decref(o);  // owner's local count reaches zero: merged, no owner
  return o;
}

enum Mode { kAtomic = 0, kBiased = 1, kPerThread = 2 };
cgc_object* g_code[3];
cgc_object* g_globals[3];

void SetUpShared() {
  g_code[kAtomic] = NewUnowned();
  g_globals[kAtomic] = NewUnowned();
  g_code[kBiased] = NewLeaf();  // owned by the main thread = benchmark thread 0
  g_globals[kBiased] = NewLeaf();
  g_code[kPerThread] = NewLeaf();
  g_globals[kPerThread] = NewLeaf();
  cgc_set_per_thread_refcount(g_code[kPerThread]);
  cgc_set_per_thread_refcount(g_globals[kPerThread]);
}

// Benchmark thread 0 runs on the main (attached) thread; the others attach.
struct AttachScope {
  explicit AttachScope(const benchmark::State& state)
      : attached(state.thread_index() != 0) {
    if (attached) cgc_thread_attach();
  }
  ~AttachScope() {
    if (attached) cgc_thread_detach();
  }
  bool attached;
};

void BM_OwnerIncrefDecref(benchmark::State& state) {
  cgc_object* o = NewLeaf();
  for (auto _ : state) {
    cgc_incref(o);
    benchmark::DoNotOptimize(o);
    cgc_decref(o);
    benchmark::DoNotOptimize(o);
  }
  cgc_decref(o);
}
BENCHMARK(BM_OwnerIncrefDecref);

void BM_NonOwnerIncrefDecref(benchmark::State& state) {
  cgc_object* o = NewUnowned();
  for (auto _ : state) {
    cgc_incref(o);
    benchmark::DoNotOptimize(o);
    cgc_decref(o);
  }
  cgc_decref(o);
}
BENCHMARK(BM_NonOwnerIncrefDecref);

void BM_ClosureShape(benchmark::State& state) {
  AttachScope scope(state);
  const int mode = static_cast<int>(state.range(0));
  cgc_object* code = g_code[mode];
  cgc_object* globals = g_globals[mode];
  int64_t n = 0;
  for (auto _ : state) {
    auto* c =
        reinterpret_cast<Closure*>(cgc_alloc(&kClosureType, sizeof(Closure)));
    cgc_incref(code);
    c->code = code;
    cgc_incref(globals);
    c->globals = globals;
    benchmark::DoNotOptimize(c);
    cgc_decref(&c->header);
    if ((++n & 1023) == 0) cgc_safepoint();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(mode == kAtomic   ? "atomic"
                 : mode == kBiased ? "biased"
                                   : "perthread");
}
BENCHMARK(BM_ClosureShape)
    ->ArgName("mode")
    ->DenseRange(0, 2)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->Threads(8)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;  // no automatic collection in the measured loops
  if (cgc_init(&config) != 0) return 1;
  SetUpShared();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  cgc_shutdown();
  return 0;
}
