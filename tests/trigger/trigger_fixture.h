// The trigger as the runtime drives it (OnYoungBatch, OnAllocatedBytes) with
// an injected memory source and an injected collect function, so no real
// collection runs. Shared by the trigger's test files.
#ifndef CYCLEGC_TESTS_TRIGGER_TRIGGER_FIXTURE_H_
#define CYCLEGC_TESTS_TRIGGER_TRIGGER_FIXTURE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "config.h"
#include "fake_memory_source.h"
#include "gtest/gtest.h"
#include "trigger.h"

namespace cyclegc::internal {

inline constexpr size_t M = 1024 * 1024;

// The fake collector: records what it was asked, then reports completion as
// the real one does.
struct FakeCollector {
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  cgc_reason last_reason = CGC_REASON_EXPLICIT;
  TriggerFigures last_figures;
  size_t survivors = 0;
  // Young allocated by the "finalizers" of each collection (re-entrancy).
  int64_t reentrant_batch = 0;
  // Full-page bytes the collection leaves behind.
  FakeMemorySource* mem = nullptr;
  size_t fpb_after = 0;
  bool set_fpb_after = false;
  // Runs inside the collection, after the heap walk (a finalizer, say).
  std::function<void()> during;
};
inline FakeCollector* g_fake = nullptr;

inline size_t FakeCollect(cgc_reason reason, const TriggerFigures& figures) {
  FakeCollector& f = *g_fake;
  int now = f.in_flight.fetch_add(1) + 1;
  int prev = f.max_in_flight.load();
  while (now > prev && !f.max_in_flight.compare_exchange_weak(prev, now)) {
  }
  f.calls++;
  f.last_reason = reason;
  f.last_figures = figures;
  TriggerOnHeapWalked();
  if (f.during) f.during();
  if (f.reentrant_batch != 0) OnYoungBatch(f.reentrant_batch);
  if (f.set_fpb_after) f.mem->full_page_bytes = f.fpb_after;
  TriggerOnCollectionDone(f.survivors);
  f.in_flight.fetch_sub(1);
  return 0;
}

class TriggerTest : public ::testing::Test {
 protected:
  void Init(Config c) {
    g_fake = &fake_;
    fake_.mem = &mem_;
    TriggerDeps deps;
    deps.memory = &mem_;
    deps.collect = &FakeCollect;
    ASSERT_TRUE(TriggerInitWith(c, deps).ok());
  }
  void TearDown() override {
    TriggerShutdown();
    g_fake = nullptr;
  }
  static Config Cfg(cgc_trigger_kind kind, size_t threshold = 1000) {
    Config c;
    c.trigger = kind;
    c.threshold = threshold;
    return c;
  }
  // fullpages after one collection that left 10M, settled at 10M (nothing
  // freed yet) with 768 young: the next batch decides.
  void FullPagesSettledBeforeTheFrees() {
    Init(Cfg(CGC_TRIGGER_FULLPAGES));
    mem_.full_page_bytes = 10 * M;
    fake_.set_fpb_after = true;
    fake_.fpb_after = 10 * M;
    Batches(4);
    ASSERT_EQ(fake_.calls, 1);
    Batches(3);
  }
  // Starts a collection on another thread through `trigger` (a batch or a
  // byte check) and returns once it runs; it lasts until *release is set.
  template <class Fn>
  std::thread StartCollectionUntil(std::atomic<bool>* release, Fn trigger) {
    auto walked = std::make_shared<std::atomic<bool>>(false);
    fake_.during = [walked, release] {
      *walked = true;
      while (!*release) std::this_thread::yield();
    };
    std::thread collector(trigger);
    while (!*walked) std::this_thread::yield();
    return collector;
  }
  // n batches of +256, as the runtime sends them.
  static void Batches(int n) {
    for (int i = 0; i < n; ++i) OnYoungBatch(256);
  }

  FakeMemorySource mem_;
  FakeCollector fake_;
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_TESTS_TRIGGER_TRIGGER_FIXTURE_H_
