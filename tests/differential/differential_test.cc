// Differential test of the collector against a reference model: random graphs
// built and mutated by several threads, released in random order (also across
// threads), then a collection must destroy exactly the objects the model finds
// unreachable from the roots, each once, and leave the reachable ones intact.
//
// Also: some objects' finalizers, callbacks of weakrefs to trash and clears
// make weakrefs during the collection (window_weakrefs.h); owners switch their
// objects to per-thread counts while other threads' decrefs may be queued to
// them.
//
// CYCLEGC_TEST_SCALE (default 1) scales the operation count: 1 runs at least a
// million mutations; sanitizer runs use e.g. 0.1.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "window_weakrefs.h"

namespace cyclegc::testing {
namespace {

constexpr int kSlots = 4;
constexpr uint32_t kAlive = 0x600Du;

struct Obj {
  cgc_object hdr;
  uint32_t magic;
  int id;
  cgc_object* slots[kSlots];
};

std::unique_ptr<std::atomic<int>[]> g_destroyed;

Obj* As(cgc_object* o) { return reinterpret_cast<Obj*>(o); }

int Traverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  for (cgc_object* s : As(self)->slots) {
    if (s != nullptr) {
      if (int r = visit(s, arg)) return r;
    }
  }
  return 0;
}
void Clear(cgc_object* self) {
  g_window.Probe(As(self)->id, self);
  // In the last collection, where everything is trash, a collector's clear
  // (its object still held) of every fifth object makes a weakref to its
  // first referent and tries it.
  cgc_object* first = As(self)->slots[0];
  if (g_window.in_clears.load() && As(self)->id % 5 == 2 && first != nullptr &&
      cgc_refcount(self) > 0) {
    g_window.MakeInClear(As(first)->id, first);
  }
  for (cgc_object*& s : As(self)->slots) {
    cgc_object* old = s;
    s = nullptr;
    if (old != nullptr) cgc_decref(old);
  }
}
void Destroy(cgc_object* self) {
  if (As(self)->magic != kAlive) std::abort();
  As(self)->magic = 0;
  g_destroyed[As(self)->id].fetch_add(1, std::memory_order_relaxed);
}
void FinalizeMakingWeakref(cgc_object* self) {
  g_window.Keep(As(self)->id, cgc_weakref_new(self, nullptr, nullptr));
}
const cgc_type kObjType = {sizeof(cgc_type), "DiffObj", Traverse, Clear,
                           nullptr,          Destroy};
const cgc_type kFinalObjType = {sizeof(cgc_type), "DiffFinal", Traverse, Clear,
                                FinalizeMakingWeakref, Destroy};

double Scale() {
  const char* s = std::getenv("CYCLEGC_TEST_SCALE");
  double v = s != nullptr ? std::atof(s) : 1.0;
  return v > 0 ? v : 1.0;
}

// Barrier wait that counts as stopped for the collector.
void Wait(std::barrier<>& b) {
  cgc_blocking_begin();
  b.arrive_and_wait();
  cgc_blocking_end();
}

struct Round {
  int threads;
  int per_thread;
  long ops_per_thread;
  unsigned seed;
  bool exit_even_threads;
};

// Model state: edges[id*kSlots+k] written by the owner thread only; roots[id]
// held by the owner; read by the main thread after barriers/joins.
void RunRound(const Round& r, long* ops_done) {
  const int n = r.threads * r.per_thread;
  g_destroyed.reset(new std::atomic<int>[n]);
  for (int i = 0; i < n; ++i) g_destroyed[i] = 0;
  std::vector<cgc_object*> objs(n, nullptr);
  std::vector<int> edges(static_cast<size_t>(n) * kSlots, -1);
  std::vector<char> roots(n, 0);
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(r.seed));

  std::barrier<> sync(r.threads + 1);
  std::atomic<bool> finish{false};
  std::atomic<long> ops{0};
  std::atomic<long> nonzero_concurrent_collections{0};
  std::atomic<long> switched{0}, refused{0}, switch_errors{0};
  g_window.Reset(n, g_destroyed.get(), objs.data());
  auto worker = [&](int t) {
    ASSERT_EQ(cgc_thread_attach(), CGC_OK) << cgc_last_error();
    std::mt19937 rng(r.seed * 7919 + t);
    const int lo = t * r.per_thread;
    // 1. Build: every object is published with its allocation reference.
    for (int i = lo; i < lo + r.per_thread; ++i) {
      cgc_object* o =
          cgc_alloc(i % 8 == 3 ? &kFinalObjType : &kObjType, sizeof(Obj));
      ASSERT_NE(o, nullptr);
      As(o)->magic = kAlive;
      As(o)->id = i;
      objs[i] = o;
    }
    Wait(sync);
    // 2. Mutate own objects; targets anywhere (alive: still published).
    long done = 0;
    for (long k = 0; k < r.ops_per_thread; ++k, ++done) {
      int a = lo + static_cast<int>(rng() % r.per_thread);
      unsigned dice = rng() % 100;
      if (dice < 70) {
        int slot = static_cast<int>(rng() % kSlots);
        int b = rng() % 10 == 0 ? -1 : static_cast<int>(rng() % n);
        cgc_object* target = b < 0 ? nullptr : objs[b];
        if (target != nullptr) cgc_incref(target);
        cgc_object* old = As(objs[a])->slots[slot];
        As(objs[a])->slots[slot] = target;
        if (old != nullptr) cgc_decref(old);
        edges[static_cast<size_t>(a) * kSlots + slot] = b;
      } else if (dice < 99) {
        // Roots stay a minority so that much of the graph becomes trash.
        if (roots[a]) {
          cgc_decref(objs[a]);
          roots[a] = 0;
        } else if (rng() % 4 == 0) {
          cgc_incref(objs[a]);
          roots[a] = 1;
        }
      } else if (rng() % 2000 == 0) {
        // Everything is published: a concurrent collection frees nothing.
        if (cgc_collect() != 0) nonzero_concurrent_collections.fetch_add(1);
      } else if (rng() % 16 == 0) {
        // Other threads' decrefs of our objects may be queued to us now.
        switch (cgc_set_per_thread_refcount(objs[a])) {
          case CGC_OK:
            switched.fetch_add(1);
            break;
          case CGC_ESTATE:
            refused.fetch_add(1);
            break;  // merge pending
          default:
            switch_errors.fetch_add(1);
        }
      }
      cgc_safepoint();
    }
    ops.fetch_add(done);
    Wait(sync);
    // 3. Drop the publication references in a random global order, each
    //    thread a slice (mostly other threads' objects).
    for (int i = t; i < n; i += r.threads) cgc_decref(objs[order[i]]);
    Wait(sync);
    // Odd threads stay attached (blocked) until the end; even ones exit now
    // if the round says so.
    if (t % 2 == 1 || !r.exit_even_threads) {
      cgc_blocking_begin();
      while (!finish.load()) std::this_thread::yield();
      cgc_blocking_end();
    }
    cgc_thread_detach();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < r.threads; ++t) threads.emplace_back(worker, t);
  Wait(sync);
  Wait(sync);
  Wait(sync);
  *ops_done += ops.load();
  EXPECT_EQ(nonzero_concurrent_collections.load(), 0);

  // Reference model: reachable from roots over the final edges.
  std::vector<char> reachable(n, 0);
  std::vector<int> stack;
  for (int i = 0; i < n; ++i) {
    if (roots[i] && !reachable[i]) {
      reachable[i] = 1;
      stack.push_back(i);
    }
  }
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    for (int k = 0; k < kSlots; ++k) {
      int j = edges[static_cast<size_t>(i) * kSlots + k];
      if (j >= 0 && !reachable[j]) {
        reachable[j] = 1;
        stack.push_back(j);
      }
    }
  }
  // Weakrefs with callbacks to live trash: each callback makes a weakref to
  // the next trash object during the collection. Not while exiting owners may
  // still free objects (their detach drains their queues).
  std::vector<cgc_weakref*> trash_weakrefs;
  int previous = -1;
  for (int i = 0; i < n && !r.exit_even_threads; ++i) {
    if (reachable[i] || g_destroyed[i].load() != 0 ||
        cgc_refcount(objs[i]) == 0)
      continue;
    if (previous >= 0 && i % 3 == 0) {
      trash_weakrefs.push_back(
          cgc_weakref_new(objs[previous], &WindowWeakrefs::MakeToPartner,
                          reinterpret_cast<void*>(static_cast<intptr_t>(i))));
    }
    previous = i;
  }
  cgc_collect();
  cgc_collect();  // nothing left for a second pass
  EXPECT_EQ(g_window.probe_hits.load(), 0)
      << "a clear got its own object through a weakref";
  EXPECT_EQ(switch_errors.load(), 0);
  EXPECT_GT(switched.load(), 0);
  std::printf(
      "per-thread switches %ld, refused (merge pending) %ld; "
      "weakrefs made in finalizers/callbacks %d (%zu callbacks set)\n",
      switched.load(), refused.load(), g_window.made.load(),
      trash_weakrefs.size());
  int wrong = 0;
  for (int i = 0; i < n; ++i) {
    int expected = reachable[i] ? 0 : 1;
    if (g_destroyed[i].load() != expected && ++wrong <= 5) {
      ADD_FAILURE() << "object " << i
                    << (reachable[i] ? " reachable" : " unreachable")
                    << " destroyed " << g_destroyed[i].load() << " times"
                    << " refcount "
                    << (g_destroyed[i].load() ? 0 : cgc_refcount(objs[i]))
                    << " (header: tid " << objs[i]->ob_tid_ << " local "
                    << objs[i]->ob_ref_local_ << " shared "
                    << objs[i]->ob_ref_shared_ << " flags "
                    << int{objs[i]->ob_flags_} << " gc bits "
                    << int{objs[i]->ob_gc_bits_} << "; owner thread "
                    << i / r.per_thread << ")";
    }
    if (reachable[i]) {
      cgc_object* o = objs[i];
      if (As(o)->magic != kAlive && ++wrong <= 5)
        ADD_FAILURE() << "object " << i << " corrupt";
      for (int k = 0; k < kSlots; ++k) {
        int j = edges[static_cast<size_t>(i) * kSlots + k];
        if (As(o)->slots[k] != (j < 0 ? nullptr : objs[j]) && ++wrong <= 5) {
          ADD_FAILURE() << "object " << i << " slot " << k << " changed";
        }
      }
    }
  }
  EXPECT_EQ(wrong, 0);
  // Release the roots (many owners are gone or blocked), then everything goes.
  for (int i = 0; i < n; ++i) {
    if (roots[i]) cgc_decref(objs[i]);
  }
  finish = true;
  cgc_blocking_begin();
  for (auto& th : threads) th.join();
  cgc_blocking_end();
  // Every thread detached (their queues merged), the roots gone: all that is
  // left is one collection's trash, and no clear may get any of it.
  g_window.in_clears.store(true);
  cgc_collect();
  g_window.in_clears.store(false);
  for (int i = 0; i < n; ++i) {
    if (g_window.got_in_clear[i].load() != 0 && ++wrong <= 5) {
      ADD_FAILURE() << "a clear got trash object " << i
                    << " through a weakref it made";
    }
  }
  for (int i = 0; i < n; ++i) {
    if (cgc_weakref* w = g_window.of[i].exchange(nullptr)) {
      EXPECT_EQ(cgc_weakref_get(w), nullptr) << "weakref to dead object " << i;
      cgc_weakref_free(w);
    }
  }
  for (cgc_weakref* w : trash_weakrefs) cgc_weakref_free(w);
  for (int i = 0; i < n; ++i) {
    if (g_destroyed[i].load() != 1 && ++wrong <= 5) {
      ADD_FAILURE() << "after releasing roots, object " << i << " destroyed "
                    << g_destroyed[i].load() << " times";
    }
  }
  EXPECT_EQ(wrong, 0);
}

void RunRounds(bool exit_even_threads) {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;  // collections only where the test asks
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  const double scale = Scale();
  constexpr int kRounds = 5;
  constexpr int kThreads = 4;
  const long ops_per_thread = static_cast<long>(55000 * scale) + 1;
  long ops = 0;
  for (int round = 0; round < kRounds && !::testing::Test::HasFailure();
       ++round) {
    RunRound({kThreads, 1000, ops_per_thread, 1234u + round, exit_even_threads},
             &ops);
  }
  std::printf("differential: %d rounds, %ld mutation operations\n", kRounds,
              ops);
  if (scale >= 1.0 && !::testing::Test::HasFailure()) {
    EXPECT_GE(ops, 1000000);
  }
  cgc_shutdown();
}

// Owners stay attached (blocked) while their objects are released and
// collected by other threads.
TEST(DifferentialTest, CollectorMatchesReferenceModel) { RunRounds(false); }

// Half the owners exit before the collection: their objects are released,
// merged and collected by others.
TEST(DifferentialTest, CollectorMatchesReferenceModelWithExitedOwners) {
  RunRounds(true);
}

TEST(DifferentialTest, AutomaticCollectionsDuringMutationKeepReachableObjects) {
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 100;  // the trigger collects on its own, on any thread
  config.trigger = CGC_TRIGGER_COUNT;
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  long ops = 0;
  RunRound({3, 800, static_cast<long>(20000 * Scale()) + 1, 99u, false}, &ops);
  cgc_shutdown();
}

}  // namespace
}  // namespace cyclegc::testing
