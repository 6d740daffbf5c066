// count: CPython 3.13's rule. Collect when young > threshold and young is at
// least a quarter of the objects that survived the last collection.
#include <cstddef>
#include <memory>

#include "policy.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

class CountPolicy final : public Policy {
 public:
  explicit CountPolicy(const Config& c) : threshold_(c.threshold) {}
  cgc_trigger_kind kind() const override { return CGC_TRIGGER_COUNT; }
  size_t gate(size_t long_lived) const override {
    return policy_rules::CountRuleGate(threshold_, long_lived);
  }
  Decision Decide(const TriggerSnapshot& s) const override {
    Decision d;
    if (policy_rules::CountRulePasses(s, threshold_)) {
      d.verdict = Decision::kCollect;
      d.reason = CGC_REASON_THRESHOLD;
    }
    return d;
  }
  size_t EstimateNow() const override { return 0; }

 private:
  size_t threshold_;
};

}  // namespace

std::unique_ptr<Policy> MakeCountPolicy(const Config& config, MemorySource*) {
  return std::make_unique<CountPolicy>(config);
}

// The row. count reads no memory: its floor and growth are never used.
template <>
const PolicyInfo& PolicyRow<CGC_TRIGGER_COUNT>() {
  static constexpr PolicyInfo kRow{CGC_TRIGGER_COUNT, "count", 128 * kKiB, 0.10,
                                   &MakeCountPolicy};
  return kRow;
}

}  // namespace cyclegc::internal
