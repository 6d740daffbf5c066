// A trigger policy: one decision function over the young count and a memory
// estimate. Policies hold no mutable state of their own: the trigger owns the
// counters and acts on the verdict, so a policy is a pure rule that tests can
// drive with an injected MemorySource.
#ifndef CYCLEGC_COLLECTOR_POLICY_H_
#define CYCLEGC_COLLECTOR_POLICY_H_

#include <cstddef>
#include <memory>

#include "config.h"
#include "cyclegc/cyclegc.h"
#include "memory_source.h"

namespace cyclegc::internal {

// What the trigger knows when it asks.
struct TriggerSnapshot {
  size_t young = 0;             // net new tracked objects, not yet deferred
  size_t deferred_young = 0;    // young objects moved aside by deferrals
  size_t long_lived = 0;        // survivors of the last collection
  size_t estimate_at_last = 0;  // the policy's estimate right after it
  // Of `young`, those counted before estimate_at_last was read: objects other
  // threads allocated while the last collection ran. Their memory is already
  // in the baseline, so a memory-growth test cannot see them. May exceed
  // `young` once deaths subtract from it; the rules clamp it.
  size_t young_before_estimate = 0;
  // The deciding thread's share of the goal (policies with
  // Policy::SharesGoalPerThread). A thread's emptied pages serve only that
  // thread, so peak memory is the sum of each thread's own peak, not the
  // peak of the sum: a thread may grow by at most allowance / thread_shares
  // past its own reading after the last collection.
  size_t thread_shares = 1;   // threads allocating lately (1: no share)
  size_t thread_at_last = 0;  // this thread's estimate after the last one
};

struct Decision {
  enum Verdict {
    kNotYet,   // nothing to do
    kDefer,    // over the threshold, but memory did not grow enough: the
               // trigger moves young into deferred_young and counts a deferral
    kCollect,  // collect now, for `reason`
  };
  Verdict verdict = kNotYet;
  cgc_reason reason = CGC_REASON_THRESHOLD;
  size_t estimate_now = 0;  // the estimate decided on (0 if not read)
  // The deciding thread's own estimate (0 if not read).
  size_t thread_estimate_now = 0;
  // kNotYet/kDefer: do not ask again until young (after the verdict is
  // applied) exceeds this; 0 = the policy's gate(). Lets a policy that checks
  // below the threshold (paced) space its checks out.
  size_t recheck_above = 0;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // The trigger's list of replaced policies (trigger_state.h); not the
  // policy's business.
  Policy* retired_next = nullptr;
  virtual cgc_trigger_kind kind() const = 0;
  // Young count at or below which Decide would surely say kNotYet, given the
  // survivors of the last collection: the allocation path compares young
  // with it and skips Decide (one relaxed load). 0: decide on every batch.
  virtual size_t gate(size_t long_lived) const = 0;
  // Young count past which a thread counts as ahead of a running collection
  // (the trigger holds it at kHoldFactor x this). Defaults to gate(); a
  // policy whose gate sits below its count rule (paced) returns the rule's.
  virtual size_t HoldGate(size_t long_lived) const { return gate(long_lived); }
  // The decision. May read the memory source (rss: a syscall).
  virtual Decision Decide(const TriggerSnapshot& s) const = 0;
  // The estimate this policy compares against, read right after a collection
  // to become estimate_at_last (0 for count, which has none).
  virtual size_t EstimateNow() const = 0;
  // Whether Decide also holds the calling thread to its share of the goal
  // (TriggerSnapshot::thread_shares), reading ThreadEstimateNow.
  virtual bool SharesGoalPerThread() const { return false; }
  // The calling thread's own part of EstimateNow (its heaps' full pages).
  virtual size_t ThreadEstimateNow() const { return 0; }
  // Whether estimate_at_last follows the estimate down until the next
  // collection. Right after a collection, an allocator-based estimate still
  // holds the pages of garbage that other threads own: they free it when they
  // next drain their merge queue (and mimalloc moves a page out of the full
  // queue only when its owner processes the frees), so the first reading can
  // be twice the settled one and later growth looks small. The lowest
  // reading since the collection is the settled heap. rss keeps CPython's
  // single reading: it is the faithful base the benchmarks compare against.
  virtual bool BaselineFollowsDrops() const { return false; }
  // Whether the baseline leaves out the bytes allocated since the heap walk
  // (reported on the byte path): they are the next collection's young.
  virtual bool BaselineExcludesNewAllocation() const { return false; }
  // Bytes a thread may allocate between two memory checks (Decide called from
  // the allocation path on bytes, not young objects), given the baseline; 0:
  // this policy decides on the young count only. A few young objects can hold
  // megabytes, so a memory-driven policy must look at bytes.
  virtual size_t ByteCheckStep(size_t /*estimate_at_last*/) const { return 0; }
  // How far memory ran past the goal, in goal allowances (0 under it): the
  // trigger holds an allocating thread once this passes 1 while a collection
  // runs, and again after a timed-out hold past 3 (trigger_hold.cc).
  virtual double AllowancesPastGoal(const TriggerSnapshot& /*s*/) const {
    return 0;
  }
};

// Shared rules of the policies.
namespace policy_rules {
// young > threshold, and young >= long_lived / 4 (CPython's rule that keeps
// total collection work linear in allocation). threshold 0 never passes.
inline bool CountRulePasses(const TriggerSnapshot& s, size_t threshold) {
  return threshold != 0 && s.young > threshold && s.young >= s.long_lived / 4;
}
// The gate equivalent to CountRulePasses: young > gate iff the rule passes.
inline size_t CountRuleGate(size_t threshold, size_t long_lived) {
  size_t quarter = long_lived / 4;
  size_t below_quarter = quarter == 0 ? 0 : quarter - 1;
  return threshold > below_quarter ? threshold : below_quarter;
}
// The estimate grew by more than max(growth x last, floor) since the last
// collection (strictly more, as CPython's gc_should_collect_mem_usage).
bool GrewEnough(size_t now, size_t last, double growth, size_t floor);
// The memory test can only judge young objects counted after the baseline
// was read (see TriggerSnapshot::young_before_estimate): those counted before
// are inside it. A deferral stands in for a collection the count rule asked
// for, so it needs the test to have seen as many young as that rule counts:
// more than a threshold after the baseline, and at most a threshold before
// it; otherwise the count rule alone decides. With threads allocating through
// every collection, a test that judged fewer deferred on readings that still
// held another thread's unprocessed frees (2 threads, cyclotron chain c=10
// e=100k: 352-524 deferrals per 10 s, where count's garbage is all cyclic).
inline bool YoungHiddenInBaseline(const TriggerSnapshot& s, size_t threshold) {
  size_t before =
      s.young_before_estimate < s.young ? s.young_before_estimate : s.young;
  return before > threshold || s.young - before <= threshold;
}
// deferred_young > cap x threshold.
bool DeferCapReached(size_t deferred_young, size_t threshold, double cap);
// CPython 3.14t's gc_should_collect_mem_usage, once the count rule passed and
// the estimate was read: collect past the deferral cap (DEFER_CAP), or if the
// estimate grew enough (MEMORY_GROWTH); otherwise defer.
Decision CollectIfGrownElseDefer(const TriggerSnapshot& s, const Config& c,
                                 size_t estimate);
}  // namespace policy_rules

std::unique_ptr<Policy> MakeCountPolicy(const Config& config,
                                        MemorySource* mem = nullptr);
std::unique_ptr<Policy> MakeRssPolicy(const Config& config, MemorySource* mem);
std::unique_ptr<Policy> MakeFullPagesPolicy(const Config& config,
                                            MemorySource* mem);
std::unique_ptr<Policy> MakePacedPolicy(const Config& config,
                                        MemorySource* mem);
std::unique_ptr<Policy> MakePressurePolicy(const Config& config,
                                           MemorySource* mem);
// The policy config.trigger names (its row in policy_table.h's table). `mem`
// must outlive it.
std::unique_ptr<Policy> MakePolicy(const Config& config, MemorySource* mem);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_POLICY_H_
