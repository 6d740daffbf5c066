#include "scenarios/futures.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/closure.h"
#include "runtime/counters.h"
#include "runtime/loop.h"
#include "runtime/runtime_scope.h"
#include "scenarios/garbage.h"

namespace taskrt {
namespace {

constexpr int64_t kChainBase = 1000;

struct ChainClosure : ClosureBase {
  static constexpr const char* kTypeName = "ChainClosure";
  cyclegc::Ref<Future>
      previous;  // the previous task's result; null for the first
  int64_t start = 0;
  int stage = 0;
  void Trace(cyclegc::Visitor& v) { v(previous); }
};

Step ChainStep(Task& self, cyclegc::Object& closure) {
  auto& c = static_cast<ChainClosure&>(closure);
  switch (c.stage++) {
    case 0: {
      MakeCyclicGarbage();
      if (c.previous)
        return Step::Await(std::move(c.previous));  // task2 awaits task1
      cyclegc::Ref<Future> io = cyclegc::Make<Future>(self.name() + "/io");
      if (!io || !Loop::Current()->CompleteLater(io, c.start, 2).ok())
        return Step::Done(-1);
      return Step::Await(std::move(io));
    }
    default:
      return Step::Done(self.awaited_value() + 1);
  }
}

}  // namespace

absl::StatusOr<FuturesResult> RunFutures(const FuturesOptions& options) {
  if (options.length < 1)
    return absl::InvalidArgumentError("length must be at least 1");
  absl::StatusOr<std::unique_ptr<RuntimeScope>> runtime =
      RuntimeScope::Start(CountTriggerConfig(options.threshold));
  if (!runtime.ok()) return runtime.status();
  cgc_stats before;
  cgc_get_stats(&before);

  FuturesResult result;
  {
    Loop loop("futures");
    std::vector<cyclegc::Ref<Future>> last;  // all the caller keeps
    for (int chain = 0; chain < options.chains; ++chain) {
      cyclegc::Ref<Future> previous;
      for (int k = 0; k < options.length; ++k) {
        cyclegc::Ref<ChainClosure> closure = cyclegc::Make<ChainClosure>();
        if (!closure) return absl::ResourceExhaustedError(cgc_last_error());
        closure->previous = std::move(previous);
        closure->start = kChainBase * chain;
        cyclegc::Ref<Task> task =
            loop.Spawn(absl::StrFormat("chain-%d/task%d", chain, k + 1),
                       &ChainStep, std::move(closure));
        if (!task) return absl::ResourceExhaustedError(cgc_last_error());
        previous = task->result();
      }  // the task itself is dropped: only the loop holds it
      last.push_back(std::move(previous));
    }
    if (absl::Status st = loop.RunUntilIdle(); !st.ok()) return st;
    for (int chain = 0; chain < options.chains; ++chain) {
      const cyclegc::Ref<Future>& f = last[chain];
      if (f->done() && f->result() == kChainBase * chain + options.length) {
        ++result.chains_resolved;
      } else {
        ++result.wrong_values;
      }
    }
  }
  cgc_stats after;
  cgc_get_stats(&after);
  result.collections = after.collections - before.collections;

  cgc_collect();
  const Counters& c = GlobalCounters();
  result.completed = c.tasks_completed.load();
  result.tasks_destroyed_pending = c.tasks_destroyed_pending.load();
  result.futures_destroyed_unresolved = c.futures_destroyed_unresolved.load();
  result.tasks_live_after = c.tasks.Live();
  result.futures_live_after = c.futures.Live();
  result.closures_live_after = c.closures.Live();
  return result;
}

}  // namespace taskrt
