#include "release_job.h"

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "collect.h"
#include "cpu_relax.h"
#include "futex.h"
#include "refcount.h"
#include "seams.h"
#include "test_points.h"

namespace cyclegc::internal {
namespace {

// Members are claimed in chunks by the collector and helpers alike, so the
// collector never waits for a helper longer than one chunk takes.
constexpr size_t kChunk = 64;

enum JobState : uint32_t { kIdle, kOffered, kClosed };

// One job at a time: collections do not overlap. The members are read by a
// helper only between its `active` increment and decrement, and the collector
// changes them only once the job is closed and no helper is active.
std::atomic<uint32_t> g_state{kIdle};
std::atomic<uint32_t> g_active{0};  // helpers inside the job
// The collector, out of spins, sleeps on g_active: only then does a helper
// leaving the job wake it (a futex wake is a system call).
std::atomic<bool> g_collector_asleep{false};
std::atomic<size_t> g_next{0};  // first unclaimed member
std::atomic<size_t> g_count{0};
cgc_object* const* g_members = nullptr;

// Claims and releases chunks until none is left. take_over: the caller is a
// helper, which becomes each member's owner first (the collector owns them).
// Returns how many it released.
size_t ReleaseChunks(bool take_over) {
  // Deaths queue other owners' objects (a member's payload held elsewhere):
  // one hand-over per owner.
  MergeBatch batch;
  const size_t count = g_count.load(std::memory_order_relaxed);
  size_t released = 0;
  for (;;) {
    const size_t begin = g_next.fetch_add(kChunk, std::memory_order_relaxed);
    if (begin >= count) return released;
    const size_t end = begin + kChunk < count ? begin + kChunk : count;
    for (size_t i = begin; i < end; ++i) {
      if (take_over) TakeOverSoleReference(g_members[i]);
      cgc_decref(g_members[i]);
    }
    released += end - begin;
  }
}

}  // namespace

void OfferReleaseJob(cgc_object* const* members, size_t n) {
  g_members = members;
  g_count.store(n, std::memory_order_relaxed);
  g_next.store(0, std::memory_order_relaxed);
  // seq_cst: pairs with a held thread's count and check
  // (TriggerOnReleaseJobOffered), so it either sees the job or is woken.
  g_state.store(kOffered, std::memory_order_seq_cst);
  TriggerOnReleaseJobOffered();
  ReachTestPoint(TestPoint::kReleaseJobOffered, members[0]);
}

void FinishReleaseJob() {
  ReleaseChunks(/*take_over=*/false);
  // No helper enters after this (seq_cst against its increment and check);
  // wait for those inside to finish their last chunk.
  g_state.store(kClosed, std::memory_order_seq_cst);
  for (int spin = 0; g_active.load(std::memory_order_seq_cst) != 0; ++spin) {
    if (spin < 4000) {
      CpuRelax();
      continue;
    }
    // seq_cst against a helper's decrement and check: either it sees the
    // flag, or the load below sees its decrement.
    g_collector_asleep.store(true, std::memory_order_seq_cst);
    const uint32_t active = g_active.load(std::memory_order_seq_cst);
    if (active != 0) FutexWaitFor(&g_active, active, absl::Milliseconds(1));
    g_collector_asleep.store(false, std::memory_order_relaxed);
  }
  g_members = nullptr;
  g_count.store(0, std::memory_order_relaxed);
  g_state.store(kIdle, std::memory_order_release);
}

bool HelpWithReleaseJob() {
  if (g_state.load(std::memory_order_seq_cst) != kOffered) return false;
  g_active.fetch_add(1, std::memory_order_seq_cst);
  size_t released = 0;
  if (g_state.load(std::memory_order_seq_cst) == kOffered) {
    // User code (destroy) runs here as inside the collection: a cgc_collect
    // it makes is refused, not left waiting for the collector, which waits
    // for this chunk.
    RunAsPartOfCollection(
        [&released] { released = ReleaseChunks(/*take_over=*/true); });
  }
  g_active.fetch_sub(1, std::memory_order_seq_cst);
  if (g_collector_asleep.load(std::memory_order_seq_cst)) {
    FutexWakeAll(&g_active);
  }
  return released != 0;
}

bool ReleaseJobOffered() {
  return g_state.load(std::memory_order_seq_cst) == kOffered &&
         g_next.load(std::memory_order_relaxed) <
             g_count.load(std::memory_order_relaxed);
}

void ForgetReleaseJobAfterFork() {
  g_members = nullptr;
  g_count.store(0, std::memory_order_relaxed);
  g_next.store(0, std::memory_order_relaxed);
  g_active.store(0, std::memory_order_relaxed);
  g_collector_asleep.store(false, std::memory_order_relaxed);
  g_state.store(kIdle, std::memory_order_relaxed);
}

}  // namespace cyclegc::internal
