// The allocation path's byte meter: each thread counts the bytes it
// allocates (GC objects and cgc_malloc) and calls the trigger's
// OnAllocatedBytes every step, so a memory-driven policy sees payload-heavy
// allocation within a step instead of a young batch of objects later.
// Cost on the allocation path: one add, one relaxed load, one compare.
#ifndef CYCLEGC_COLLECTOR_ALLOCATION_METER_H_
#define CYCLEGC_COLLECTOR_ALLOCATION_METER_H_

#include <atomic>
#include <cstddef>

#include "alloc_hooks/alloc_hooks.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {

// SIZE_MAX while off (seams.h: SetByteCheckStep).
extern std::atomic<size_t> g_byte_check_step;

inline void MeterAllocation(ThreadState* ts, size_t bytes) {
  ts->bytes_since_check += bytes;
  if (ts->bytes_since_check >=
      g_byte_check_step.load(std::memory_order_relaxed)) {
    const size_t since_check = ts->bytes_since_check;
    ts->bytes_since_check = 0;
    // Blocks other threads freed into this thread's full pages (a collector
    // freeing its garbage) leave them now, so this thread reuses the pages
    // instead of taking new ones; one load per heap when none are pending.
    alloc::ProcessDelayedFrees(ts->heaps);
    OnAllocatedBytes(since_check);
  }
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_ALLOCATION_METER_H_
