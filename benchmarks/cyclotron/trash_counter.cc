#include "trash_counter.h"

namespace cyclotron {

int TrashCounter::ShardIndex() {
  static std::atomic<int> next{0};
  thread_local const int index =
      next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return index;
}

TrashSnapshot TrashCounter::Snapshot() const {
  TrashSnapshot s;
  for (const Shard& sh : shards_) {
    s.freed += sh.freed.load(std::memory_order_acquire);
    s.units_freed += sh.units_freed.load(std::memory_order_acquire);
  }
  for (const Shard& sh : shards_) {
    s.released += sh.released.load(std::memory_order_acquire);
    s.created += sh.created.load(std::memory_order_relaxed);
    s.units_created += sh.units_created.load(std::memory_order_relaxed);
  }
  return s;
}

void TrashCounter::Reset() {
  for (Shard& sh : shards_) {
    sh.created = 0;
    sh.released = 0;
    sh.freed = 0;
    sh.units_created = 0;
    sh.units_freed = 0;
  }
}

TrashCounter& Counters() {
  static TrashCounter* counter = new TrashCounter();
  return *counter;
}

}  // namespace cyclotron
