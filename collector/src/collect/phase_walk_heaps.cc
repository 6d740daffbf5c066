// Step 2 (collect.cc): walk every GC heap (attached and exited threads) and
// compute gc_refs = total refcount for each tracked live object.
#include "alloc_hooks/alloc_hooks.h"
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

struct WalkArgs {
  Part* part;
  uintptr_t part_bits;
};

inline bool VisitBlock(void* block, WalkArgs* args) {
  auto* o = static_cast<cgc_object*>(block);
  if (!BlockHoldsLiveObject(o))
    return true;  // free or pending in mimalloc's lists
  uint8_t bits = GcBits(o);
  // A stale mark from an earlier collection whose clear left the object alive.
  if ((bits & kGcUnreachable) != 0) ClearGcBits(o, kGcUnreachable);
  if ((bits & kGcTracked) == 0 || (bits & kGcDying) != 0) {
    StoreScratch(o, 0);
    return true;
  }
  size_t refs = TotalRefcountInline(o);
  if (refs == 0) {  // not expected after the merge; treat as outside the set
    StoreScratch(o, 0);
    return true;
  }
  StoreScratch(o, kInSet | args->part_bits |
                      (static_cast<uintptr_t>(refs) << kRefsShift));
  if (!args->part->members.Push(o)) {
    args->part->out_of_memory = true;
    return false;
  }
  return true;
}

// The blocks of a page in address order, with no call per block. The page
// comes without its free lists (VisitGcPagesByContent): BlockHoldsLiveObject
// tells an object from a free block by its type word.
bool VisitPage(const alloc::PageBlocks& page, void* arg) {
  auto* args = static_cast<WalkArgs*>(arg);
  return alloc::ForEachAllocatedBlock(
      page, [args](void* block) { return VisitBlock(block, args); });
}

void WalkPart(CollectionState& state, size_t p) {
  WalkArgs args{&state.parts[p], static_cast<uintptr_t>(p) << kPartShift};
  if (state.num_parts == 1) {
    alloc::VisitGcPagesByContent(&VisitPage, &args);
    return;
  }
  // The registry does not change while the world is stopped.
  ForEachThread([&](ThreadState& ts) {
    if (ts.crew_home == p && !args.part->out_of_memory) {
      alloc::VisitThreadGcPagesByContent(ts.heaps, &VisitPage, &args);
    }
  });
  if (p == 0 && !args.part->out_of_memory) {
    alloc::VisitAbandonedGcPagesByContent(&VisitPage, &args);
  }
}

}  // namespace

bool WalkHeapsComputingRefs(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  ForEachPart(state, [&state](size_t p) { WalkPart(state, p); });
  return !AnyPartOutOfMemory(state);
}

}  // namespace cyclegc::internal
