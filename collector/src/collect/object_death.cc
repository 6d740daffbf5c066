// NotifyObjectDeath (seams.h): the runtime's dealloc calls it when an object
// whose gc bits say it has weakrefs or is in an unreachable set dies, on the
// dying thread, before clear/destroy.
#include "census.h"
#include "object.h"
#include "registry.h"
#include "seams.h"
#include "stats.h"
#include "thread_state.h"
#include "weakref.h"

namespace cyclegc::internal {

void NotifyObjectDeath(cgc_object* o, ThreadState* ts) {
  const uint8_t bits = GcBits(o);
  if ((bits & kGcHasWeakrefs) != 0) {
    WeakrefCallbackQueue queue;
    ClearWeakrefsTo(o, &queue);
    // The dying thread runs user code here anyway (clear, destroy); the world
    // is not stopped (the stopper never lets a count reach zero while stopped).
    RunWeakrefCallbacks(&queue);
  }
  if ((bits & kGcUnreachable) != 0) {
    // Its young count ended at the heap walk (TriggerOnHeapWalked): cancel the
    // dealloc's -1, or the collection's own deaths would cancel what other
    // threads allocate meanwhile and hide that from the next trigger.
    if (ts != nullptr) ++ts->young_delta;
    CountCollectedDeath(ts);
    if (CensusEnabled()) CensusRecordDeath(o);
  }
}

}  // namespace cyclegc::internal
