// Finds sample cycles in a collection's unreachable set: from a few start
// objects, a breadth-first search over traverse (restricted to the set) finds
// the shortest ring back to the start, and counts the trash the search
// reached that no earlier sample counted. A start on an already reported ring
// is skipped. All scratch is allocated once, when the report is turned on: a
// collection's sampling never allocates, and its work is bounded by
// kNodeBudget objects.
#ifndef CYCLEGC_COLLECTOR_CYCLE_SAMPLER_H_
#define CYCLEGC_COLLECTOR_CYCLE_SAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/types/span.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct CycleSample {
  static constexpr size_t kMaxRing = 32;
  const cgc_type* ring[kMaxRing];  // around the cycle, from the start object
  size_t ring_len = 0;             // objects on the ring (may be > kMaxRing)
  uint64_t objects = 0;            // the ring and the trash only it reached
  uint64_t bytes = 0;
};

class CycleSampler {
 public:
  static constexpr size_t kNodeBudget = 4096;  // objects visited per collection
  static constexpr size_t kMaxSamples = 64;

  CycleSampler();
  ~CycleSampler();

  // Up to `want` (at most kMaxSamples) cycles of `unreachable` (objects
  // carrying kGcUnreachable, held by the collector); valid until the next call.
  absl::Span<const CycleSample> Sample(
      absl::Span<cgc_object* const> unreachable, size_t want);

 private:
  struct Node {
    cgc_object* o;
    uint32_t parent;
  };
  struct Slot {
    cgc_object* key;
    uint32_t search;  // 1-based index of the last search that visited it
    bool counted;     // its bytes went to a sample already
    bool on_ring;     // on the ring of a sample already
  };

  Slot& Find(cgc_object* o);
  // Adds `o` to the current search unless it is in it already.
  void Visit(cgc_object* o, size_t parent);
  bool Search(cgc_object* start, CycleSample* out);
  static int OnReferent(cgc_object* referent, void* arg);

  std::unique_ptr<Node[]> nodes_;
  std::unique_ptr<Slot[]> table_;           // open addressing, 2x budget
  std::unique_ptr<CycleSample[]> samples_;  // kMaxSamples
  size_t used_ = 0;                         // nodes visited in this collection
  size_t begin_ = 0;                        // first node of the current search
  size_t visiting_ = 0;  // node whose referents are being visited
  uint32_t search_ = 0;  // current search, 1-based
  cgc_object* start_ = nullptr;
  size_t ring_parent_ = SIZE_MAX;  // node whose referent is the start
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CYCLE_SAMPLER_H_
