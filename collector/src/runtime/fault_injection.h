// Allocation-failure injection for hardening tests.
//
// An internal allocation site guards itself with
//   if (CGC_INJECT_ALLOC_FAILURE("collector.object_stack_grow")) { ...back off as if the
//   allocation had failed... }
// In a build with CYCLEGC_FAULT_INJECTION the macro counts a visit and returns
// true for exactly the N-th visit after FaultInjectionArm(N); otherwise it is
// the constant false and costs nothing.
#ifndef CYCLEGC_COLLECTOR_FAULT_INJECTION_H_
#define CYCLEGC_COLLECTOR_FAULT_INJECTION_H_

#include <cstddef>
#include <cstdint>

namespace cyclegc::internal {

// True when the library was compiled with CYCLEGC_FAULT_INJECTION (the test
// API below works either way, but no site ever fails without it).
bool FaultInjectionCompiledIn();

// From now on the n-th (1-based) visit of an injection site fails, once; n == 0
// disarms. If `site_prefix` is non-null only sites whose name starts with it
// count as visits. Resets the visit and failure counters.
void FaultInjectionArm(uint64_t n, const char* site_prefix = nullptr);
void FaultInjectionDisarm();

// Visits and failures since the last Arm, and the site that failed (nullptr if
// none did).
struct FaultInjectionCounts {
  uint64_t visits = 0;
  uint64_t failures = 0;
  const char* failed_site = nullptr;
};
FaultInjectionCounts FaultInjectionGetCounts();

// Every site visited since the process started, with its visit count (for the
// report of which sites a workload reaches). Returns the number of sites.
struct FaultInjectionSite {
  const char* name;
  uint64_t visits;
};
size_t FaultInjectionSites(FaultInjectionSite* out, size_t cap);

// The check behind CGC_INJECT_ALLOC_FAILURE. Thread-safe.
bool FaultInjectionShouldFail(const char* site);

}  // namespace cyclegc::internal

#if defined(CYCLEGC_FAULT_INJECTION)
#define CGC_INJECT_ALLOC_FAILURE(site) \
  (::cyclegc::internal::FaultInjectionShouldFail(site))
#else
#define CGC_INJECT_ALLOC_FAILURE(site) (false)
#endif

#endif  // CYCLEGC_COLLECTOR_FAULT_INJECTION_H_
