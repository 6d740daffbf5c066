// A workload owns the loop of each of its threads: what it allocates, what it
// holds and when it lets go. The run sees it only through ThreadContext.
#ifndef CYCLOTRON_WORKLOAD_H_
#define CYCLOTRON_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "point_spec.h"

namespace cyclotron {

// What a workload thread reports to the run it belongs to.
class ThreadContext {
 public:
  virtual ~ThreadContext() = default;
  // Polled once per step: true once the run wants the threads back.
  virtual bool ShouldStop() const = 0;
  // Objects this thread created (cheap: batched by the implementation).
  virtual void Created(int64_t objects) = 0;
  // What the thread holds alive now; the run keeps the maximum per thread and
  // reports the sum over threads as the live set.
  virtual void Holding(int64_t objects, int64_t bytes) = 0;
  // Records the first failure and stops the run.
  virtual void Fail(const std::string& message) = 0;
};

class Workload {
 public:
  virtual ~Workload() = default;
  // The per-thread loop, on an attached thread, until ctx.ShouldStop(). On
  // return the thread holds nothing: every object it created was counted
  // released (Counters()) before its last reference went.
  virtual void RunThread(std::mt19937_64& rng, ThreadContext& ctx) = 0;
};

// One instance per thread. "chain" and "tree" build units into a holder and
// drop it when full (holder_workload.cc); "queue" keeps a sliding window
// (queue_workload.cc).
std::unique_ptr<Workload> MakeWorkload(const PointSpec& spec);
std::unique_ptr<Workload> MakeHolderWorkload(const PointSpec& spec);
std::unique_ptr<Workload> MakeQueueWorkload(const PointSpec& spec);

// Draws whether the next unit is cyclic (cyc percent of units).
bool DrawCyclic(std::mt19937_64& rng, int cyc_percent);

// Allocates an `n`-byte payload with cgc_malloc and touches every page so it is
// resident (RSS must see it); null for n == 0. It remembers its size, so
// PayloadBlockBytes can tell what it occupies.
void* NewPayload(size_t n);
// The allocator block a payload occupies; 0 for null.
int64_t PayloadBlockBytes(const void* payload);

}  // namespace cyclotron

#endif  // CYCLOTRON_WORKLOAD_H_
