// When to collect: the young count, the policy in force, and the decision on
// the allocation path. seams.h lists the functions other modules call
// (TriggerInit, OnYoungBatch, TriggerOnCollectionDone, ...); this header adds
// the test seams.
#ifndef CYCLEGC_COLLECTOR_TRIGGER_H_
#define CYCLEGC_COLLECTOR_TRIGGER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "config.h"
#include "memory_source.h"
#include "seams.h"

namespace cyclegc::internal {

// Who runs the collection the trigger decided on; Collect() in production.
using CollectFn = size_t (*)(cgc_reason reason, const TriggerFigures& figures);

struct TriggerDeps {
  MemorySource* memory = nullptr;  // nullptr: the process
  CollectFn collect = nullptr;     // nullptr: Collect()
};

// TriggerInit with injected dependencies (tests, benchmarks). `deps.memory`
// must outlive the trigger (until TriggerShutdown or the next init).
absl::Status TriggerInitWith(const Config& config, const TriggerDeps& deps);

// The trigger's counters, for tests and stats: a read of TriggerState, the one
// owner of these figures (TriggerSnapshot, what a policy decides on, and
// TriggerFigures, what a collection's event reports, are views of the same).
struct TriggerCounters {
  size_t young = 0;
  size_t deferred_young = 0;
  size_t long_lived = 0;
  size_t estimate_at_last = 0;
  uint64_t deferrals = 0;      // decisions that chose to wait
  uint64_t triggered = 0;      // collections the trigger started
  uint64_t holds = 0;          // batches that waited for a running collection
  uint64_t hold_timeouts = 0;  // of those, waits that ended at the bound
};
TriggerCounters GetTriggerCounters();

// The process memory source (also receives cgc_add_external_pressure).
SystemMemorySource& ProcessMemory();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_TRIGGER_H_
