// fullpages: the rss rule with the memory estimate taken from the
// allocator: the summed bytes of full mimalloc pages over all threads (live
// and exited). Exact under mimalloc's page retention, and cheap: relaxed loads
// of per-thread counters; no syscall, no heap walk, no stop of the world.
#include <cstddef>
#include <memory>

#include "policy.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

class FullPagesPolicy final : public Policy {
 public:
  FullPagesPolicy(const Config& c, MemorySource* mem) : config_(c), mem_(mem) {}
  cgc_trigger_kind kind() const override { return CGC_TRIGGER_FULLPAGES; }
  size_t gate(size_t long_lived) const override {
    return policy_rules::CountRuleGate(config_.threshold, long_lived);
  }
  Decision Decide(const TriggerSnapshot& s) const override {
    if (!policy_rules::CountRulePasses(s, config_.threshold)) return {};
    size_t estimate = mem_->FullPageBytes();
    if (policy_rules::YoungHiddenInBaseline(s, config_.threshold)) {
      return {Decision::kCollect, CGC_REASON_THRESHOLD, estimate};
    }
    return policy_rules::CollectIfGrownElseDefer(s, config_, estimate);
  }
  bool BaselineFollowsDrops() const override { return true; }
  size_t EstimateNow() const override { return mem_->FullPageBytes(); }

 private:
  Config config_;
  MemorySource* mem_;
};

}  // namespace

std::unique_ptr<Policy> MakeFullPagesPolicy(const Config& config,
                                            MemorySource* mem) {
  return std::make_unique<FullPagesPolicy>(config, mem);
}

// The row. Growth: CPython 3.14t's 10%; floor: one small mimalloc page (the
// estimate grows in pages).
template <>
const PolicyInfo& PolicyRow<CGC_TRIGGER_FULLPAGES>() {
  static constexpr PolicyInfo kRow{CGC_TRIGGER_FULLPAGES, "fullpages",
                                   64 * kKiB, 0.10, &MakeFullPagesPolicy};
  return kRow;
}

}  // namespace cyclegc::internal
