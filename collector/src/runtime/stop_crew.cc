#include "stop_crew.h"

#include <atomic>
#include <cstdint>

#include "cpu_relax.h"
#include "registry.h"
#include "stop_the_world.h"
#include "stop_the_world_internal.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

// A job is posted while g_gen is odd. The stopper writes the job's fields
// before the increment that makes it odd, and once every part has run makes
// it even again and waits for the threads inside (g_active) to leave, so a
// thread that read an odd g_gen and still sees it after joining reads that
// job's fields, never the next one's.
std::atomic<bool> g_open{false};
std::atomic<bool> g_expected{false};
std::atomic<uint64_t> g_gen{0};
std::atomic<uint32_t> g_active{0};
std::atomic<size_t> g_done{0};
std::atomic<uint8_t> g_claimed[kMaxCrewParts];
CrewPartFn g_fn = nullptr;
void* g_arg = nullptr;
size_t g_parts = 0;

// Waits for a crew member that may have been descheduled.
template <typename Pred>
void WaitUntil(Pred done) {
  SpinThenYield backoff;
  while (!done()) backoff.Wait();
}

// Set while this thread runs parts of a job for the stopper.
thread_local bool t_on_job __attribute__((tls_model("initial-exec"))) = false;

void TakeParts(size_t home) {
  t_on_job = true;
  const size_t parts = g_parts;
  auto take = [](size_t p) {
    if (g_claimed[p].load(std::memory_order_relaxed) != 0 ||
        g_claimed[p].exchange(1, std::memory_order_acq_rel) != 0) {
      return;
    }
    g_fn(p, g_arg);
    g_done.fetch_add(1, std::memory_order_release);
  };
  if (home < parts) take(home);
  for (size_t p = 0; p < parts; ++p) take(p);
  t_on_job = false;
}

}  // namespace

void ExpectCrew() { g_expected.store(true, std::memory_order_relaxed); }

bool CrewExpected() { return g_expected.load(std::memory_order_relaxed); }

size_t OpenCrew(bool even_oversubscribed) {
  g_expected.store(false, std::memory_order_relaxed);
  if (!even_oversubscribed && !ParkedThreadsMaySpin()) return 0;
  size_t parked = 0;
  ForEachThread([&](ThreadState& ts) {
    ts.crew_invited =
        ts.status.load(std::memory_order_relaxed) == ThreadStatus::kParked;
    parked += ts.crew_invited;
  });
  if (parked == 0) return 0;
  g_open.store(true, std::memory_order_seq_cst);
  WakeParkedThreads();
  return parked;
}

void SetCrewHome(ThreadState& ts, size_t part) { ts.crew_home = part; }

void RunOnCrew(size_t parts, CrewPartFn fn, void* arg, size_t home) {
  if (parts > kMaxCrewParts) parts = kMaxCrewParts;
  for (size_t p = 0; p < parts; ++p) {
    g_claimed[p].store(0, std::memory_order_relaxed);
  }
  g_fn = fn;
  g_arg = arg;
  g_parts = parts;
  g_done.store(0, std::memory_order_relaxed);
  g_gen.fetch_add(1, std::memory_order_seq_cst);  // odd: posted
  TakeParts(home);
  WaitUntil(
      [parts] { return g_done.load(std::memory_order_acquire) == parts; });
  g_gen.fetch_add(1, std::memory_order_seq_cst);  // even: closed
  WaitUntil([] { return g_active.load(std::memory_order_seq_cst) == 0; });
}

bool OnCrewJob() { return t_on_job; }

void CloseCrew() {
  g_expected.store(false, std::memory_order_relaxed);
  g_open.store(false, std::memory_order_seq_cst);
}

bool CrewOpenFor(const ThreadState* ts) {
  return g_open.load(std::memory_order_acquire) && ts->crew_invited;
}

void ServeCrew(ThreadState* ts) {
  uint64_t seen = 0;
  // Between jobs the stopper works alone for microseconds; if the core is
  // wanted meanwhile (another process), let it go.
  SpinThenYield idle;
  while (g_open.load(std::memory_order_acquire)) {
    const uint64_t gen = g_gen.load(std::memory_order_acquire);
    if ((gen & 1) == 0 || gen == seen) {
      idle.Wait();
      continue;
    }
    idle.Reset();
    seen = gen;
    g_active.fetch_add(1, std::memory_order_seq_cst);
    if (g_gen.load(std::memory_order_seq_cst) == gen) TakeParts(ts->crew_home);
    g_active.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void ResetCrewAfterFork() {
  g_open.store(false, std::memory_order_relaxed);
  g_expected.store(false, std::memory_order_relaxed);
  g_active.store(0, std::memory_order_relaxed);
  g_done.store(0, std::memory_order_relaxed);
  if ((g_gen.load(std::memory_order_relaxed) & 1) != 0) {
    g_gen.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace cyclegc::internal
