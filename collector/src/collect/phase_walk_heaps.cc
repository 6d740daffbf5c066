// Step 2 (collect.cc): walk every GC heap (attached and exited threads) and
// compute gc_refs = total refcount for each tracked live object.
#include "alloc_hooks/alloc_hooks.h"
#include "object.h"
#include "phases.h"
#include "refcount.h"
#include "seams.h"

namespace cyclegc::internal {
namespace {

struct WalkArgs {
  CollectionState* state;
  bool out_of_memory;
};

inline bool VisitBlock(void* block, WalkArgs* args) {
  auto* o = static_cast<cgc_object*>(block);
  if (!BlockHoldsLiveObject(o))
    return true;  // free or pending in mimalloc's lists
  uint8_t bits = GcBits(o);
  // A stale mark from an earlier collection whose clear left the object alive.
  if ((bits & kGcUnreachable) != 0) ClearGcBits(o, kGcUnreachable);
  if ((bits & kGcTracked) == 0 || (bits & kGcDying) != 0) {
    GcScratch(o) = 0;
    return true;
  }
  size_t refs = TotalRefcountInline(o);
  if (refs == 0) {  // not expected after the merge; treat as outside the set
    GcScratch(o) = 0;
    return true;
  }
  GcScratch(o) = kInSet | (static_cast<uintptr_t>(refs) << kRefsShift);
  if (!args->state->objects.Push(o)) {
    args->out_of_memory = true;
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

}  // namespace

bool WalkHeapsComputingRefs(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  WalkArgs args{&state, false};
  alloc::VisitGcPagesByContent(&VisitPage, &args);
  return !args.out_of_memory;
}

}  // namespace cyclegc::internal
