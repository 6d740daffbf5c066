// The cycle report (cgc_cycles_*, CYCLEGC_DEBUG=cycles): for a sample of the
// cycles each collection frees, the ring of types around the cycle, grouped by
// shape with counts and bytes. Off by default; when off a collection pays one
// relaxed load. Sampling runs with the world running, on the collecting
// thread, while the collector still holds the unreachable set.
#ifndef CYCLEGC_COLLECTOR_CYCLE_REPORT_H_
#define CYCLEGC_COLLECTOR_CYCLE_REPORT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "cycle_sampler.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

inline constexpr size_t kDefaultCycleSamples = 8;

extern std::atomic<bool> g_cycles_enabled;
inline bool CyclesEnabled() {
  return g_cycles_enabled.load(std::memory_order_relaxed);
}

// At init: on (and printed per collection and at shutdown) if `print`;
// `samples` per collection, 0 = kDefaultCycleSamples.
void CyclesConfigure(bool print, size_t samples);
// Samples `unreachable` (kGcUnreachable set, held) of collection number
// `collection` into the report.
void CyclesRecordCollection(uint64_t collection,
                            absl::Span<cgc_object* const> unreachable);
// "A -> B -> C -> A" from the rotation of the ring whose names sort first, so
// every sample of one cycle shape gets the same string.
std::string RingShape(const CycleSample& sample);
// Shapes with a non-zero count, most cycles first.
std::vector<cgc_cycle_shape> CyclesTotals();
// Prints the totals if printing, then turns the report off and drops shapes.
void CyclesShutdown();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CYCLE_REPORT_H_
