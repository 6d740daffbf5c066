#include "cycle_sampler.h"

#include <algorithm>
#include <cstring>

#include "alloc_hooks/alloc_hooks.h"
#include "object.h"

namespace cyclegc::internal {
namespace {

constexpr size_t kTableSize = 2 * CycleSampler::kNodeBudget;  // power of two
constexpr size_t kMaxSearches = 4 * CycleSampler::kMaxSamples;
static_assert(kMaxSearches < UINT32_MAX);
static_assert((kTableSize & (kTableSize - 1)) == 0);

size_t Hash(const cgc_object* o) {
  auto v = reinterpret_cast<uintptr_t>(o);
  return static_cast<size_t>((v >> 4) * 0x9E3779B97F4A7C15ull) &
         (kTableSize - 1);
}

}  // namespace

CycleSampler::CycleSampler()
    : nodes_(new Node[kNodeBudget]),
      table_(new Slot[kTableSize]),
      samples_(new CycleSample[kMaxSamples]) {}

CycleSampler::~CycleSampler() = default;

CycleSampler::Slot& CycleSampler::Find(cgc_object* o) {
  for (size_t i = Hash(o);; i = (i + 1) & (kTableSize - 1)) {
    Slot& s = table_[i];
    if (s.key == nullptr) {
      s = {o, 0, false, false};
      return s;
    }
    if (s.key == o) return s;
  }
}

void CycleSampler::Visit(cgc_object* o, size_t parent) {
  if (used_ == kNodeBudget) return;
  Slot& s = Find(o);
  if (s.search == search_) return;
  s.search = search_;
  nodes_[used_++] = {o, static_cast<uint32_t>(parent)};
}

int CycleSampler::OnReferent(cgc_object* r, void* arg) {
  auto* self = static_cast<CycleSampler*>(arg);
  if (r == nullptr || !HasGcBits(r, kGcUnreachable)) return 0;
  if (r == self->start_ && self->ring_parent_ == SIZE_MAX) {
    self->ring_parent_ = self->visiting_;
  }
  self->Visit(r, self->visiting_);
  return 0;
}

bool CycleSampler::Search(cgc_object* start, CycleSample* out) {
  if (used_ == kNodeBudget || Find(start).on_ring) return false;
  ++search_;
  begin_ = used_;
  start_ = start;
  ring_parent_ = SIZE_MAX;
  Visit(start, UINT32_MAX);
  for (visiting_ = begin_; visiting_ < used_; ++visiting_) {
    cgc_object* o = nodes_[visiting_].o;
    const cgc_type* t = TypeOf(o);
    if (t->traverse != nullptr) (void)t->traverse(o, &OnReferent, this);
  }
  if (ring_parent_ == SIZE_MAX) return false;
  // The ring, walked back from the start's referrer, then reversed.
  size_t len = 0;
  for (size_t i = ring_parent_; i != UINT32_MAX; i = nodes_[i].parent) ++len;
  out->ring_len = len;
  size_t k = len;
  for (size_t i = ring_parent_; i != UINT32_MAX; i = nodes_[i].parent) {
    if (--k < CycleSample::kMaxRing) out->ring[k] = TypeOf(nodes_[i].o);
    Find(nodes_[i].o).on_ring = true;
  }
  out->objects = 0;
  out->bytes = 0;
  for (size_t i = begin_; i < used_; ++i) {
    Slot& s = Find(nodes_[i].o);
    if (s.counted) continue;
    s.counted = true;
    out->objects += 1;
    out->bytes += alloc::UsableSize(nodes_[i].o);
  }
  return true;
}

absl::Span<const CycleSample> CycleSampler::Sample(
    absl::Span<cgc_object* const> unreachable, size_t want) {
  std::memset(table_.get(), 0, kTableSize * sizeof(Slot));
  used_ = 0;
  search_ = 0;
  const size_t n = unreachable.size();
  want = std::min(want, kMaxSamples);
  const size_t searches = std::min(n, kMaxSearches);
  size_t found = 0;
  for (size_t i = 0; i < searches && found < want && used_ < kNodeBudget; ++i) {
    // Evenly spread over the set, so one large component does not take all.
    cgc_object* start = unreachable[i * n / searches];
    if (Search(start, &samples_[found])) ++found;
  }
  return absl::MakeConstSpan(samples_.get(), found);
}

}  // namespace cyclegc::internal
