#include "fault_injection.h"

#include <atomic>
#include <cstring>

namespace cyclegc::internal {
namespace {

// Sites are string literals; a fixed table keyed by name keeps the hot check
// allocation-free (it runs where allocation is what is being faked).
constexpr size_t kMaxSites = 64;

struct SiteSlot {
  std::atomic<const char*> name{nullptr};
  std::atomic<uint64_t> visits{0};
};

struct Injector {
  std::atomic<uint64_t> fail_at{0};  // 0 = disarmed
  std::atomic<const char*> prefix{nullptr};
  std::atomic<uint64_t> visits{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<const char*> failed_site{nullptr};
  SiteSlot sites[kMaxSites];
};

Injector g_injector;

void CountSiteVisit(const char* site) {
  for (SiteSlot& slot : g_injector.sites) {
    const char* name = slot.name.load(std::memory_order_acquire);
    if (name == nullptr) {
      if (slot.name.compare_exchange_strong(name, site,
                                            std::memory_order_acq_rel)) {
        name = site;
      }
    }
    if (name == site || std::strcmp(name, site) == 0) {
      slot.visits.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
}

bool Matches(const char* site) {
  const char* prefix = g_injector.prefix.load(std::memory_order_acquire);
  return prefix == nullptr ||
         std::strncmp(site, prefix, std::strlen(prefix)) == 0;
}

}  // namespace

bool FaultInjectionCompiledIn() {
#if defined(CYCLEGC_FAULT_INJECTION)
  return true;
#else
  return false;
#endif
}

void FaultInjectionArm(uint64_t n, const char* site_prefix) {
  g_injector.fail_at.store(0, std::memory_order_release);
  g_injector.visits.store(0, std::memory_order_relaxed);
  g_injector.failures.store(0, std::memory_order_relaxed);
  g_injector.failed_site.store(nullptr, std::memory_order_relaxed);
  g_injector.prefix.store(site_prefix, std::memory_order_release);
  g_injector.fail_at.store(n, std::memory_order_release);
}

void FaultInjectionDisarm() { FaultInjectionArm(0, nullptr); }

FaultInjectionCounts FaultInjectionGetCounts() {
  FaultInjectionCounts c;
  c.visits = g_injector.visits.load(std::memory_order_acquire);
  c.failures = g_injector.failures.load(std::memory_order_acquire);
  c.failed_site = g_injector.failed_site.load(std::memory_order_acquire);
  return c;
}

size_t FaultInjectionSites(FaultInjectionSite* out, size_t cap) {
  size_t n = 0;
  for (SiteSlot& slot : g_injector.sites) {
    const char* name = slot.name.load(std::memory_order_acquire);
    if (name == nullptr) break;
    if (n < cap) {
      out[n] = {name, slot.visits.load(std::memory_order_relaxed)};
    }
    ++n;
  }
  return n;
}

bool FaultInjectionShouldFail(const char* site) {
  CountSiteVisit(site);
  const uint64_t fail_at = g_injector.fail_at.load(std::memory_order_acquire);
  if (fail_at == 0 || !Matches(site)) return false;
  const uint64_t visit =
      g_injector.visits.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (visit != fail_at) return false;
  g_injector.failed_site.store(site, std::memory_order_release);
  g_injector.failures.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

}  // namespace cyclegc::internal
