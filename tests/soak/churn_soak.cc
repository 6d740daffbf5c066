// Thread-churn soak: waves of threads attach, allocate cyclic structures, hand
// objects to later threads through a mailbox, take over objects earlier
// (exited) threads left, and exit, with collections in between, for a set time
// or number of threads. At the end: every object was destroyed exactly once,
// trash is zero after a final collection, and the full-page byte total equals a
// walk of every page. Leaks at shutdown are LeakSanitizer's (ASan build) or
// valgrind's to report.
//
//   churn_soak [--seconds S] [--threads N] [--wave W] [--objects K]
//   (stops after S seconds or N threads, whichever comes first)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "alloc_hooks/alloc_hooks.h"
#include "cyclegc/cyclegc.h"
#include "slot_object.h"

namespace {

constexpr uint32_t kAlive = 0x50A4A11Eu;
constexpr uint32_t kDead = 0x50A4DEADu;

struct Node {
  cgc_object hdr;
  std::atomic<uint32_t> magic;
  cgc_object* slots[2];
  void* payload;  // cgc_malloc'd, freed by destroy (plain-heap traffic)
};

std::atomic<uint64_t> g_allocated{0};
std::atomic<uint64_t> g_destroyed{0};
std::atomic<uint64_t> g_bad{0};
std::atomic<uint64_t> g_last_visited{0};  // objects the last collection walked

void OnEvent(const cgc_event* ev, void*) {
  if (ev->kind == CGC_EVENT_STOP) g_last_visited.store(ev->visited);
}

int Traverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  return cyclegc::testing::TraverseSlots<Node>(self, visit, arg);
}
void Clear(cgc_object* self) { cyclegc::testing::ClearSlots<Node>(self); }
void Destroy(cgc_object* self) {
  auto* n = reinterpret_cast<Node*>(self);
  if (n->magic.exchange(kDead) != kAlive) g_bad.fetch_add(1);
  cgc_free(n->payload);
  n->payload = nullptr;
  g_destroyed.fetch_add(1, std::memory_order_relaxed);
}
const cgc_type kNode = {sizeof(cgc_type), "soak.Node", Traverse, Clear,
                        nullptr,          Destroy};

cgc_object* NewNode(std::mt19937& rng) {
  auto* n = reinterpret_cast<Node*>(cgc_alloc(&kNode, sizeof(Node)));
  if (n == nullptr) {
    std::fprintf(stderr, "churn_soak: cgc_alloc failed: %s\n",
                 cgc_last_error());
    std::abort();
  }
  n->magic.store(kAlive);
  n->payload = (rng() % 4 == 0) ? cgc_malloc(16 + rng() % 512) : nullptr;
  g_allocated.fetch_add(1, std::memory_order_relaxed);
  return &n->hdr;
}

void Link(cgc_object* from, int slot, cgc_object* to) {
  cgc_incref(to);
  cgc_object* old = reinterpret_cast<Node*>(from)->slots[slot];
  reinterpret_cast<Node*>(from)->slots[slot] = to;
  if (old != nullptr) cgc_decref(old);
}

// Objects in transit between threads; each entry owns one reference.
std::mutex g_mailbox_mu;
std::vector<cgc_object*> g_mailbox;

void Post(cgc_object* o) {
  std::lock_guard lock(g_mailbox_mu);
  g_mailbox.push_back(o);
}
cgc_object* Take() {
  std::lock_guard lock(g_mailbox_mu);
  if (g_mailbox.empty()) return nullptr;
  cgc_object* o = g_mailbox.back();
  g_mailbox.pop_back();
  return o;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "churn_soak: FAILED: %s\n", what);
    std::exit(1);
  }
}

void ThreadBody(uint64_t seed, int objects) {
  Check(cgc_thread_attach() == CGC_OK, "cgc_thread_attach");
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::vector<cgc_object*> mine;  // references this thread holds
  for (int i = 0; i < objects; ++i) {
    cgc_object* o = NewNode(rng);
    if (!mine.empty()) Link(o, 0, mine[rng() % mine.size()]);  // cycles through
    if (!mine.empty() && rng() % 2 == 0) Link(mine[rng() % mine.size()], 1, o);
    mine.push_back(o);
    if (rng() % 8 == 0) {  // adopt something an earlier thread left
      if (cgc_object* taken = Take()) {
        Link(o, 1, taken);
        cgc_decref(taken);
      }
    }
    if (i % 64 == 0) cgc_safepoint();
    if (rng() % 2000 == 0) cgc_collect();
  }
  // Hand a few on (they and what they reach outlive this thread); drop the
  // rest.
  for (cgc_object* o : mine) {
    if (rng() % 16 == 0) {
      Post(o);
    } else {
      cgc_decref(o);
    }
  }
  if (rng() % 2 == 0) cgc_thread_detach();  // else the exit hook detaches
}

int ParseFlag(int& i, int argc, char** argv, const char* name, long* out) {
  if (std::strcmp(argv[i], name) != 0) return 0;
  if (i + 1 >= argc) {
    std::fprintf(stderr, "churn_soak: %s needs a value\n", name);
    std::exit(2);
  }
  char* end = nullptr;
  *out = std::strtol(argv[++i], &end, 10);
  if (*end != '\0' || *out <= 0) {
    std::fprintf(stderr,
                 "churn_soak: %s must be a positive integer, not '%s'\n", name,
                 argv[i]);
    std::exit(2);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  long seconds = 60, max_threads = 1L << 40, wave = 8, objects = 300;
  for (int i = 1; i < argc; ++i) {
    if (ParseFlag(i, argc, argv, "--seconds", &seconds) ||
        ParseFlag(i, argc, argv, "--threads", &max_threads) ||
        ParseFlag(i, argc, argv, "--wave", &wave) ||
        ParseFlag(i, argc, argv, "--objects", &objects)) {
      continue;
    }
    std::fprintf(stderr,
                 "churn_soak: unknown argument '%s' (accepted: --seconds S, "
                 "--threads N, "
                 "--wave W, --objects K)\n",
                 argv[i]);
    return 2;
  }
  Check(cgc_init(nullptr) == CGC_OK, cgc_last_error());
  cgc_callback_add(OnEvent, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  uint64_t threads = 0, waves = 0, main_collections = 0;
  while (std::chrono::steady_clock::now() < deadline &&
         static_cast<long>(threads) < max_threads) {
    std::vector<std::thread> batch;
    for (long t = 0; t < wave; ++t)
      batch.emplace_back(ThreadBody, threads + t, objects);
    cgc_blocking_begin();  // joining: count as stopped for their collections
    for (std::thread& t : batch) t.join();
    cgc_blocking_end();
    threads += batch.size();
    if (++waves % 4 == 0) {
      cgc_collect();
      ++main_collections;
    }
  }
  // Drop what is still in transit; everything is trash now.
  while (cgc_object* o = Take()) cgc_decref(o);
  cgc_collect();
  const size_t second = cgc_collect();
  cgc_stats stats{};
  cgc_get_stats(&stats);
  const size_t full = cgc_full_page_bytes();
  const size_t walked = cyclegc::alloc::FullPageBytesByWalk();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf(
      "churn_soak: %.1f s, %llu threads churned (%llu waves of %ld), %llu "
      "objects allocated, "
      "%llu destroyed, %llu collections (%llu explicit from main), %llu "
      "objects freed by the "
      "collector, full-page "
      "bytes %zu, by walk %zu\n",
      elapsed, static_cast<unsigned long long>(threads),
      static_cast<unsigned long long>(waves), wave,
      static_cast<unsigned long long>(g_allocated.load()),
      static_cast<unsigned long long>(g_destroyed.load()),
      static_cast<unsigned long long>(stats.collections),
      static_cast<unsigned long long>(main_collections),
      static_cast<unsigned long long>(stats.objects_collected), full, walked);
  // Left alive but not trash: still walked (a count too high) or not walked.
  std::printf(
      "churn_soak: %llu objects alive, the last collection walked %llu\n",
      static_cast<unsigned long long>(g_allocated.load() - g_destroyed.load()),
      static_cast<unsigned long long>(g_last_visited.load()));
  Check(g_bad.load() == 0, "an object was destroyed twice or was not alive");
  Check(second == 0, "the second final collection still found trash");
  Check(g_destroyed.load() == g_allocated.load(),
        "objects left alive after the final collection");
  Check(full == walked, "full-page byte total differs from the page walk");
  cgc_shutdown();
  std::printf("churn_soak: ok\n");
  return 0;
}
