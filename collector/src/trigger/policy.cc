#include "policy.h"

#include <algorithm>
#include <cstddef>
#include <memory>

#include "policy_table.h"

namespace cyclegc::internal {
namespace policy_rules {

bool GrewEnough(size_t now, size_t last, double growth, size_t floor) {
  if (now <= last) return false;
  // In double: last x growth may exceed size_t for absurd growth values.
  double needed =
      std::max(static_cast<double>(last) * growth, static_cast<double>(floor));
  return static_cast<double>(now - last) > needed;
}

bool DeferCapReached(size_t deferred_young, size_t threshold, double cap) {
  return static_cast<double>(deferred_young) >
         cap * static_cast<double>(threshold);
}

Decision CollectIfGrownElseDefer(const TriggerSnapshot& s, const Config& c,
                                 size_t estimate) {
  Decision d;
  d.estimate_now = estimate;
  if (DeferCapReached(s.deferred_young, c.threshold, c.defer_cap)) {
    // Objects may hold resources that do not show as memory: collect anyway.
    d.verdict = Decision::kCollect;
    d.reason = CGC_REASON_DEFER_CAP;
  } else if (GrewEnough(estimate, s.estimate_at_last, MemGrowth(c),
                        MemMinFloor(c))) {
    d.verdict = Decision::kCollect;
    d.reason = CGC_REASON_MEMORY_GROWTH;
  } else {
    d.verdict = Decision::kDefer;
  }
  return d;
}

}  // namespace policy_rules

std::unique_ptr<Policy> MakePolicy(const Config& config, MemorySource* mem) {
  const PolicyInfo* p = FindPolicy(config.trigger);
  return p != nullptr ? p->make(config, mem) : nullptr;
}

}  // namespace cyclegc::internal
