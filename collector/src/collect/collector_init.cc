// CollectorInit, CollectorSetDebug and CollectorShutdown (seams.h): the
// collector's start, and its end: the final collection, then freeing every
// object left.
#include <cstdio>

#include "alloc_hooks/alloc_hooks.h"
#include "census.h"
#include "collect.h"
#include "cycle_report.h"
#include "dealloc.h"
#include "events.h"
#include "log.h"
#include "object.h"
#include "object_stack.h"
#include "phases.h"
#include "seams.h"
#include "stats.h"
#include "weakref.h"

namespace cyclegc::internal {
namespace {

constexpr size_t kCensusTopTypes = 10;

struct ListArgs {
  ObjectStack* out;
  bool out_of_memory;
};

bool ListLiveBlock(void* block, size_t /*size*/, void* arg) {
  auto* o = static_cast<cgc_object*>(block);
  if (!BlockHoldsLiveObject(o) || HasGcBits(o, kGcDying)) return true;
  auto* args = static_cast<ListArgs*>(arg);
  if (args->out->Push(o)) return true;
  args->out_of_memory = true;
  return false;
}

// Every live object (tracked or not), each held with one reference so none is
// freed while the caller works on the list. False on out-of-memory.
bool HoldEveryLiveObject(ObjectStack& out) {
  StopTheWorld();
  MergeRefcountsWhileStopped();
  ListArgs args{&out, false};
  alloc::VisitGcBlocks(&ListLiveBlock, &args);
  if (!args.out_of_memory) alloc::VisitUntrackedBlocks(&ListLiveBlock, &args);
  if (args.out_of_memory) {
    out.Truncate(0);
  } else {
    for (cgc_object* o : out) cgc_incref(o);
  }
  StartTheWorld();
  return !args.out_of_memory;
}

// What cgc_shutdown promises beyond the final collection: every object left
// (reachable leftovers, objects whose clear left them alive) is finalized,
// cleared, destroyed and freed.
void FinalizeAndFreeEverything() {
  ObjectStack objects;
  if (!HoldEveryLiveObject(objects)) {
    Log(CGC_LOG_WARNING,
        "cyclegc: shutdown: out of memory listing leftover objects; "
        "their memory goes with the heaps, unfinalized");
    return;
  }
  WeakrefCallbackQueue callbacks;
  for (cgc_object* o : objects) {
    if (HasGcBits(o, kGcHasWeakrefs)) ClearWeakrefsTo(o, &callbacks);
  }
  RunWeakrefCallbacks(&callbacks);
  for (cgc_object* o : objects) {
    const cgc_type* t = TypeOf(o);
    if (t->finalize == nullptr || HasGcBits(o, kGcFinalized)) continue;
    SetGcBits(o, kGcFinalized);
    t->finalize(o);
  }
  for (cgc_object* o : objects) {
    const cgc_type* t = TypeOf(o);
    if (t->clear != nullptr) t->clear(o);
  }
  // Still held: no object of the list can die by refcounting here, so
  // destroying them one by one never meets one already freed.
  for (cgc_object* o : objects) Dealloc(o);
}

}  // namespace

void CollectorSetDebug(unsigned debug) {
  EventsSetDebug(debug);
  g_census_enabled.store((debug & CGC_DEBUG_CENSUS) != 0,
                         std::memory_order_relaxed);
  CyclesConfigure((debug & CGC_DEBUG_CYCLES) != 0, 0);
}

absl::Status CollectorInit(unsigned debug) {
  StatsReset();
  CollectorSetDebug(debug);
  return absl::OkStatus();
}

void CollectorShutdown() {
  // Deaths adopted from threads a fork() left behind, if nothing ran them.
  RunDeferredDeaths();
  Collect(CGC_REASON_SHUTDOWN, TriggerFigures{});
  RunExclusively(&FinalizeAndFreeEverything);
  if (CensusEnabled()) CensusPrint(kCensusTopTypes);
  FreeAllWeakrefs();
  RemoveAllCallbacks();
  CensusForgetNames();
  CyclesShutdown();
  g_census_enabled.store(false, std::memory_order_relaxed);
  EventsSetDebug(0);
}

}  // namespace cyclegc::internal
