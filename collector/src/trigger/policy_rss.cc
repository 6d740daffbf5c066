// rss: free-threaded CPython 3.14's rule, kept faithful because it is the
// "base" the benchmarks compare against. Once the count rule passes, read the
// process's RSS + swap (a syscall, once per threshold young objects) and
// collect only if it grew by more than max(growth x last, floor) since the
// last collection, or once deferred young objects exceed cap x threshold;
// otherwise defer (young moves to the deferred count, so the next check is a
// threshold later). Under mimalloc, which keeps freed pages, RSS barely moves
// while cyclic trash grows: this is the runaway the fullpages policy fixes.
// An unreadable RSS collects (as CPython does when the read fails).
#include <cstddef>
#include <memory>

#include "policy.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

class RssPolicy final : public Policy {
 public:
  RssPolicy(const Config& c, MemorySource* mem) : config_(c), mem_(mem) {}
  cgc_trigger_kind kind() const override { return CGC_TRIGGER_RSS; }
  size_t gate(size_t long_lived) const override {
    return policy_rules::CountRuleGate(config_.threshold, long_lived);
  }
  Decision Decide(const TriggerSnapshot& s) const override {
    if (!policy_rules::CountRulePasses(s, config_.threshold)) return {};
    absl::StatusOr<size_t> rss = mem_->ProcessRssAndSwap();
    if (!rss.ok()) {
      return {Decision::kCollect, CGC_REASON_THRESHOLD, 0};
    }
    return policy_rules::CollectIfGrownElseDefer(s, config_, *rss);
  }
  size_t EstimateNow() const override {
    absl::StatusOr<size_t> rss = mem_->ProcessRssAndSwap();
    return rss.ok() ? *rss : 0;
  }

 private:
  Config config_;
  MemorySource* mem_;
};

}  // namespace

std::unique_ptr<Policy> MakeRssPolicy(const Config& config, MemorySource* mem) {
  return std::make_unique<RssPolicy>(config, mem);
}

// The row. CPython 3.14t's 10% growth and 128 KiB floor: the faithful base.
template <>
const PolicyInfo& PolicyRow<CGC_TRIGGER_RSS>() {
  static constexpr PolicyInfo kRow{CGC_TRIGGER_RSS, "rss", 128 * kKiB, 0.10,
                                   &MakeRssPolicy};
  return kRow;
}

}  // namespace cyclegc::internal
