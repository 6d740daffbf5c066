// Collection events: embedder callbacks (cgc_callback_add/remove) and the
// CYCLEGC_DEBUG=stats line, one per collection on stderr.
#ifndef CYCLEGC_COLLECTOR_EVENTS_H_
#define CYCLEGC_COLLECTOR_EVENTS_H_

#include <string>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// CGC_DEBUG_* bits in force (set by CollectorInit).
void EventsSetDebug(unsigned debug);
unsigned EventsDebug();

// Calls every registered callback (on the calling thread, world running); for a
// STOP event with CGC_DEBUG_STATS also prints the stats line. Callbacks may add
// or remove callbacks.
void FireEvent(const cgc_event& ev);

// "threshold", "memory_growth", "deferral_cap", "explicit", "shutdown", ...
const char* ReasonName(cgc_reason reason);
// The one-line summary printed for CYCLEGC_DEBUG=stats.
std::string FormatStatsLine(const cgc_event& stop);

// Drops every callback (shutdown).
void RemoveAllCallbacks();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_EVENTS_H_
