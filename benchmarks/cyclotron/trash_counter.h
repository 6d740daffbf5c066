// Exact accounting of the workload's objects: created, released (the workload
// dropped its last reference) and freed (the object's destroy ran). Trash is
// released - freed. Counts are sharded per thread so the hot path touches only
// the calling thread's cache line; destroy may run on any thread (collector,
// another worker), so every shard is atomic.
#ifndef CYCLOTRON_TRASH_COUNTER_H_
#define CYCLOTRON_TRASH_COUNTER_H_

#include <atomic>
#include <cstdint>

namespace cyclotron {

struct TrashSnapshot {
  int64_t created = 0;
  int64_t released = 0;
  int64_t freed = 0;
  int64_t units_created = 0;
  int64_t units_freed = 0;
  int64_t trash() const { return released - freed; }
};

class TrashCounter {
 public:
  void OnCreated(int64_t objects) { Add(&Shard::created, objects); }
  void OnReleased(int64_t objects) { Add(&Shard::released, objects); }
  void OnFreed(int64_t objects) { Add(&Shard::freed, objects); }
  void OnUnitCreated() { Add(&Shard::units_created, 1); }
  void OnUnitFreed() { Add(&Shard::units_freed, 1); }

  // Freed is summed before released so a concurrent snapshot never shows
  // negative trash (an object is always released before it is freed).
  TrashSnapshot Snapshot() const;
  // Only while no workload thread runs (between runs, in tests).
  void Reset();

 private:
  static constexpr int kShards = 64;
  struct alignas(64) Shard {
    std::atomic<int64_t> created{0};
    std::atomic<int64_t> released{0};
    std::atomic<int64_t> freed{0};
    std::atomic<int64_t> units_created{0};
    std::atomic<int64_t> units_freed{0};
  };
  static int ShardIndex();
  void Add(std::atomic<int64_t> Shard::*field, int64_t n) {
    (shards_[ShardIndex()].*field).fetch_add(n, std::memory_order_acq_rel);
  }
  Shard shards_[kShards];
};

// The process-wide counter: cgc_type::destroy gets no context pointer.
TrashCounter& Counters();

}  // namespace cyclotron

#endif  // CYCLOTRON_TRASH_COUNTER_H_
