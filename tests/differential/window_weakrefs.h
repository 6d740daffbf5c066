// Weak references made while a collection runs the world between finding its
// trash and clearing it, for the differential test: finalizers make one to
// their own object, callbacks of weakrefs to trash make one to other trash,
// and some clears make one to what they hold and try it.
// Every clear probes the weakref to its object: getting the object there means
// a strong reference to an object being cleared (a failure).
#ifndef CYCLEGC_TESTS_DIFFERENTIAL_WINDOW_WEAKREFS_H_
#define CYCLEGC_TESTS_DIFFERENTIAL_WINDOW_WEAKREFS_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "cyclegc/cyclegc.h"

namespace cyclegc::testing {

struct WindowWeakrefs {
  // Per object id: the weakref a finalizer or callback made to it.
  std::unique_ptr<std::atomic<cgc_weakref*>[]> of;
  std::atomic<int> probe_hits{0};  // clears that got their own object
  // Per object id: a collector's clear got it through a weakref it made.
  std::unique_ptr<std::atomic<char>[]> got_in_clear;
  // Collector's clears make weakrefs (the last collection of a round).
  std::atomic<bool> in_clears{false};
  std::atomic<int> made{0};  // weakrefs made from finalizers/callbacks
  const std::atomic<int>* destroyed = nullptr;  // per id
  cgc_object* const* objs = nullptr;            // per id

  void Reset(int n, const std::atomic<int>* destroyed_by_id,
             cgc_object* const* objs_by_id) {
    of.reset(new std::atomic<cgc_weakref*>[n]);
    got_in_clear.reset(new std::atomic<char>[n]);
    for (int i = 0; i < n; ++i) {
      of[i] = nullptr;
      got_in_clear[i] = 0;
    }
    probe_hits = 0;
    made = 0;
    destroyed = destroyed_by_id;
    objs = objs_by_id;
  }

  // Keeps the first weakref made to `id`; frees any later one.
  void Keep(int id, cgc_weakref* w) {
    if (w == nullptr) return;
    made.fetch_add(1, std::memory_order_relaxed);
    cgc_weakref* expected = nullptr;
    if (!of[id].compare_exchange_strong(expected, w)) cgc_weakref_free(w);
  }

  // Called at the start of clear.
  void Probe(int id, cgc_object* self) {
    cgc_weakref* w = of[id].load();
    if (w == nullptr) return;
    if (cgc_object* got = cgc_weakref_get(w)) {
      if (got == self) probe_hits.fetch_add(1);
      cgc_decref(got);
    }
  }

  // Called by a collector's clear (its object still counted) before it drops
  // `target` (object `id`): makes a weakref to it and tries it at once.
  void MakeInClear(int id, cgc_object* target) {
    cgc_weakref* w = cgc_weakref_new(target, nullptr, nullptr);
    if (w == nullptr) return;
    if (cgc_object* got = cgc_weakref_get(w)) {
      got_in_clear[id].store(1);
      cgc_decref(got);
    }
    Keep(id, w);
  }

  // Callback of a weakref to trash: arg is another object's id.
  static void MakeToPartner(cgc_weakref*, void* arg);
};

inline WindowWeakrefs g_window;

inline void WindowWeakrefs::MakeToPartner(cgc_weakref*, void* arg) {
  const int p = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  // Only to an object still alive (memory valid, count not yet zero).
  if (g_window.destroyed[p].load() != 0 || cgc_refcount(g_window.objs[p]) == 0)
    return;
  g_window.Keep(p, cgc_weakref_new(g_window.objs[p], nullptr, nullptr));
}

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_DIFFERENTIAL_WINDOW_WEAKREFS_H_
