#include "scenarios/threads.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/closure.h"
#include "runtime/counters.h"
#include "runtime/loop_group.h"
#include "runtime/runtime_scope.h"
#include "runtime/task_registry.h"
#include "scenarios/garbage.h"

namespace taskrt {
namespace {

// Awaits `input` (resolved by a producer on another thread), then resolves
// `output` with input + 1.
struct ConsumerClosure : ClosureBase {
  static constexpr const char* kTypeName = "ConsumerClosure";
  cyclegc::Ref<Future> input;
  cyclegc::Ref<Future> output;
  int stage = 0;
  void Trace(cyclegc::Visitor& v) {
    v(input);
    v(output);
  }
};

// Yields a few times, then resolves `input`.
struct ProducerClosure : ClosureBase {
  static constexpr const char* kTypeName = "ProducerClosure";
  cyclegc::Ref<Future> input;
  int64_t value = 0;
  int yields = 0;
  void Trace(cyclegc::Visitor& v) { v(input); }
};

Step ConsumerStep(Task& /*self*/, cyclegc::Object& closure) {
  auto& c = static_cast<ConsumerClosure&>(closure);
  if (c.stage++ == 0) {
    MakeCyclicGarbage();
    return Step::Await(c.input);
  }
  int64_t v = c.input->result() + 1;
  c.output->SetResult(v);
  return Step::Done(v);
}

Step ProducerStep(Task& /*self*/, cyclegc::Object& closure) {
  auto& c = static_cast<ProducerClosure&>(closure);
  if (c.yields-- > 0) return Step::Yield();
  MakeCyclicGarbage();
  c.input->SetResult(c.value);
  c.input.Reset();
  return Step::Done(c.value);
}

struct Expected {
  cyclegc::Ref<Future> future;
  int64_t value = 0;
  int thread = 0;
};

struct Shared {
  explicit Shared(int threads) : group(threads), exited_early(threads) {}

  int64_t Outstanding() const {
    const Counters& c = GlobalCounters();
    return spawned.load() - c.tasks_completed.load() -
           c.tasks_destroyed_pending.load();
  }

  LoopGroup group;
  std::atomic<int> spawners_running{0};
  std::atomic<int64_t> spawned{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> exited_mid_run{0};
  std::vector<std::atomic<bool>> exited_early;
  std::mutex mu;
  // Only moved in and out under mu: no reference count changes inside.
  std::vector<Expected> results;
};

// Spawns a consumer on the next loop and its producer on the one after, keeps
// the consumer's output future for the main thread.
bool SpawnPair(Shared& s, int thread, int j, int per_thread) {
  const int k = s.group.size();
  const int64_t value = static_cast<int64_t>(thread) * per_thread + j;
  cyclegc::Ref<Future> input =
      cyclegc::Make<Future>(absl::StrFormat("t%d/in%d", thread, j));
  cyclegc::Ref<Future> output =
      cyclegc::Make<Future>(absl::StrFormat("t%d/out%d", thread, j));
  cyclegc::Ref<ConsumerClosure> cc = cyclegc::Make<ConsumerClosure>();
  cyclegc::Ref<ProducerClosure> pc = cyclegc::Make<ProducerClosure>();
  if (!input || !output || !cc || !pc) return false;
  cc->input = input;
  cc->output = output;
  pc->input = std::move(input);
  pc->value = value;
  pc->yields = j % 3;
  cyclegc::Ref<Task> consumer =
      Task::Create(absl::StrFormat("t%d/consumer%d", thread, j), &ConsumerStep,
                   std::move(cc));
  cyclegc::Ref<Task> producer =
      Task::Create(absl::StrFormat("t%d/producer%d", thread, j), &ProducerStep,
                   std::move(pc));
  if (!consumer || !producer) return false;
  s.spawned.fetch_add(2);
  if (!s.group.Post((thread + 1) % k, consumer) ||
      !s.group.Post((thread + 2) % k, producer)) {
    return false;
  }
  Expected e{std::move(output), value + 1, thread};
  std::lock_guard<std::mutex> lock(s.mu);
  s.results.push_back(std::move(e));
  return true;
}

void RunThread(Shared& s, int thread, int per_thread) {
  Loop& loop = s.group.loop(thread);
  for (int j = 0; j < per_thread; ++j) {
    if (!SpawnPair(s, thread, j, per_thread)) s.errors.fetch_add(1);
    if (j % 8 == 7) loop.RunOnce();  // interleave spawning with running
  }
  s.spawners_running.fetch_sub(1);
  // Odd threads leave as soon as their loop is idle, mid-run; the others run
  // until every task in the group has finished.
  const bool leaves_early = thread % 2 == 1;
  for (;;) {
    loop.RunOnce();
    if (!loop.Idle()) continue;
    if (leaves_early) {
      if (loop.CloseIfIdle()) break;
      continue;
    }
    if (s.spawners_running.load() == 0 && s.Outstanding() == 0) {
      loop.CloseIfIdle();
      break;
    }
    loop.WaitForPost(absl::Milliseconds(1));
  }
  if (leaves_early) {
    s.exited_early[thread].store(true);
    if (s.Outstanding() > 0) s.exited_mid_run.fetch_add(1);
  }
}

void ThreadMain(Shared& s, int thread, int per_thread) {
  if (cgc_thread_attach() != 0) {
    s.errors.fetch_add(1);
    s.spawners_running.fetch_sub(1);
    return;
  }
  RunThread(s, thread, per_thread);
  cgc_thread_detach();
}

}  // namespace

absl::StatusOr<ThreadsResult> RunThreads(const ThreadsOptions& options) {
  absl::StatusOr<std::unique_ptr<RuntimeScope>> runtime =
      RuntimeScope::Start(CountTriggerConfig(options.threshold));
  if (!runtime.ok()) return runtime.status();
  cgc_stats before;
  cgc_get_stats(&before);

  ThreadsResult result;
  {
    Shared s(options.threads);
    s.spawners_running.store(options.threads);
    std::vector<std::thread> threads;
    // The main thread waits without touching objects: it must not hold up
    // the other threads' collections.
    cgc_blocking_begin();
    for (int t = 0; t < options.threads; ++t) {
      threads.emplace_back(ThreadMain, std::ref(s), t,
                           options.tasks_per_thread);
    }
    for (std::thread& th : threads) th.join();
    cgc_blocking_end();

    if (s.errors.load() != 0) {
      return absl::InternalError(absl::StrCat(
          s.errors.load(), " spawn or attach failures: ", cgc_last_error()));
    }
    std::vector<Expected> results;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      results.swap(s.results);
    }
    for (const Expected& e : results) {
      ++result.results_checked;
      if (!e.future->done() || e.future->result() != e.value)
        ++result.results_wrong;
      if (s.exited_early[e.thread].load()) ++result.results_from_exited_threads;
    }
    result.tasks_spawned = s.spawned.load();
    result.threads_exited_mid_run = s.exited_mid_run.load();
    result.redirected_posts = s.group.redirected();
  }
  cgc_stats after;
  cgc_get_stats(&after);
  result.collections = after.collections - before.collections;
  result.objects_collected = after.objects_collected - before.objects_collected;

  cgc_collect();
  const Counters& c = GlobalCounters();
  result.completed = c.tasks_completed.load();
  result.tasks_destroyed_pending = c.tasks_destroyed_pending.load();
  result.futures_destroyed_unresolved = c.futures_destroyed_unresolved.load();
  result.futures_resolved_twice = c.futures_resolved_twice.load();
  result.tasks_stepped_after_done = c.tasks_stepped_after_done.load();
  result.tasks_live_after = c.tasks.Live();
  result.futures_live_after = c.futures.Live();
  result.closures_live_after = c.closures.Live();
  result.registry_entries_after =
      static_cast<int64_t>(TaskRegistry::Global().EntryCount());
  return result;
}

}  // namespace taskrt
