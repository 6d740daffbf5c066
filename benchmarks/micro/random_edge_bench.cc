// Collection time on a heap with random edges: object i points to object i-1
// and to a uniformly random earlier object, and object 0 points to the last
// one, so the whole heap is one strongly connected cyclic structure. Unlike
// collect_bench's rings of 8 neighbours, most referents are far away in
// memory: this measures how well marking hides cache misses.
//
// Reachable: the last object is held, every collection marks the whole heap
// and frees nothing. Garbage: the hold is dropped before each collection.
// Reports ns per object per collection (the benchmark thread's CPU time in
// cgc_collect over objects visited; on a loaded machine the wall time is
// longer) and the stopped-world pause from the collector's events (mean and
// max, in microseconds, wall time). 10^6 objects is the marking figure,
// 30k its pause figure.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>

#include "cyclegc/cyclegc.h"

namespace {

struct Node {
  cgc_object hdr;
  cgc_object* prev;
  cgc_object* other;
};

Node* AsNode(cgc_object* o) { return reinterpret_cast<Node*>(o); }

int NodeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  Node* n = AsNode(self);
  if (n->prev != nullptr) {
    int r = visit(n->prev, arg);
    if (r != 0) return r;
  }
  return n->other != nullptr ? visit(n->other, arg) : 0;
}

void NodeClear(cgc_object* self) {
  Node* n = AsNode(self);
  cgc_object* prev = n->prev;
  cgc_object* other = n->other;
  n->prev = n->other = nullptr;
  if (prev != nullptr) cgc_decref(prev);
  if (other != nullptr) cgc_decref(other);
}

const cgc_type kNode = {sizeof(cgc_type), "RandomEdgeNode", NodeTraverse,
                        NodeClear,        nullptr,          nullptr};

// splitmix64: a fixed seed gives the same heap shape in every run and build.
uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Builds the heap; returns the last object, holding one reference to it.
cgc_object* MakeRandomEdgeHeap(size_t n) {
  cgc_object** all =
      static_cast<cgc_object**>(std::malloc(n * sizeof(cgc_object*)));
  if (all == nullptr) std::abort();
  uint64_t rng = 42;
  for (size_t i = 0; i < n; ++i) {
    cgc_object* o = cgc_alloc(&kNode, sizeof(Node));
    if (o == nullptr) std::abort();
    Node* node = AsNode(o);
    node->prev = node->other = nullptr;
    if (i > 0) {
      node->prev = all[i - 1];  // takes the allocation reference
      node->other = all[NextRandom(rng) % i];
      cgc_incref(node->other);
    }
    all[i] = o;
  }
  cgc_object* last = all[n - 1];
  cgc_incref(last);
  AsNode(all[0])->other = last;  // closes the structure into one cycle
  std::free(all);
  return last;
}

struct PauseProbe {
  uint64_t pauses = 0;
  uint64_t total_pause_ns = 0;
  uint64_t max_pause_ns = 0;
  uint64_t visited = 0;
  static void OnEvent(const cgc_event* e, void* arg) {
    if (e->kind != CGC_EVENT_STOP) return;
    auto* p = static_cast<PauseProbe*>(arg);
    ++p->pauses;
    p->total_pause_ns += e->pause_ns;
    if (e->pause_ns > p->max_pause_ns) p->max_pause_ns = e->pause_ns;
    p->visited += e->visited;
  }
};

void Init() {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;  // collections only when the benchmark asks
  if (cgc_init(&config) != CGC_OK) std::abort();
}

void Report(benchmark::State& state, const PauseProbe& probe) {
  state.counters["ns_per_object"] = benchmark::Counter(
      static_cast<double>(probe.visited),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["pause_us"] =
      probe.pauses == 0 ? 0.0
                        : static_cast<double>(probe.total_pause_ns) /
                              static_cast<double>(probe.pauses) / 1e3;
  state.counters["max_pause_us"] =
      static_cast<double>(probe.max_pause_ns) / 1e3;
}

void BM_MarkRandomEdges(benchmark::State& state) {
  Init();
  const size_t n = static_cast<size_t>(state.range(0));
  cgc_object* root = MakeRandomEdgeHeap(n);
  cgc_collect();  // settles the build's deferred work; not measured
  PauseProbe probe;
  cgc_callback_add(&PauseProbe::OnEvent, &probe);
  for (auto _ : state) {
    if (cgc_collect() != 0) state.SkipWithError("collected a reachable object");
  }
  Report(state, probe);
  cgc_callback_remove(&PauseProbe::OnEvent, &probe);
  cgc_decref(root);
  cgc_shutdown();
}

void BM_CollectRandomEdges(benchmark::State& state) {
  Init();
  const size_t n = static_cast<size_t>(state.range(0));
  PauseProbe probe;
  cgc_callback_add(&PauseProbe::OnEvent, &probe);
  for (auto _ : state) {
    state.PauseTiming();
    cgc_decref(MakeRandomEdgeHeap(n));
    state.ResumeTiming();
    if (cgc_collect() < n) state.SkipWithError("garbage left behind");
  }
  Report(state, probe);
  cgc_callback_remove(&PauseProbe::OnEvent, &probe);
  cgc_shutdown();
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(30000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
}

BENCHMARK(BM_MarkRandomEdges)->Apply(Sizes);
BENCHMARK(BM_CollectRandomEdges)->Apply(Sizes);

}  // namespace

BENCHMARK_MAIN();
