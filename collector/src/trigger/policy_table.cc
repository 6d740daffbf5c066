#include "policy_table.h"

#include <array>
#include <span>

#include "policy.h"

namespace cyclegc::internal {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

// Floors and growths, and why:
// - fullpages and rss: CPython 3.14t's 10%; rss keeps its 128 KiB floor (a
//   faithful base), fullpages one small mimalloc page (it grows in pages).
// - paced: Go-like goal at the same 10%.
// - pressure: memory starts collections, so the goal sets how often: 50% of
//   the surviving heap bounds the trash a collection leaves to half the live
//   set, and the 2 MiB floor keeps a small heap from collecting on every
//   page (4 MiB, Go's minimum heap, cost peak RSS: docs/configuration.md).
// A new policy is one row here (and its file, its enum value, its factory).
constexpr auto kPolicies = std::to_array<PolicyInfo>({
    {CGC_TRIGGER_FULLPAGES, "fullpages", 64 * kKiB, 0.10, &MakeFullPagesPolicy},
    {CGC_TRIGGER_RSS, "rss", 128 * kKiB, 0.10, &MakeRssPolicy},
    {CGC_TRIGGER_COUNT, "count", 128 * kKiB, 0.10, &MakeCountPolicy},
    {CGC_TRIGGER_PACED, "paced", 128 * kKiB, 0.10, &MakePacedPolicy},
    {CGC_TRIGGER_PRESSURE, "pressure", 2 * kMiB, 0.50, &MakePressurePolicy},
});

constexpr bool KindsAreDense() {
  for (size_t i = 0; i < kPolicies.size(); ++i) {
    if (static_cast<size_t>(kPolicies[i].kind) != i) return false;
  }
  return true;
}
static_assert(KindsAreDense(), "kPolicies rows must follow the enum order");

}  // namespace

std::span<const PolicyInfo> Policies() { return kPolicies; }

const PolicyInfo* FindPolicy(int kind) {
  if (kind < 0 || static_cast<size_t>(kind) >= kPolicies.size()) {
    return nullptr;
  }
  return &kPolicies[static_cast<size_t>(kind)];
}

}  // namespace cyclegc::internal

extern "C" CGC_API const char* cgc_trigger_name(cgc_trigger_kind kind) {
  const cyclegc::internal::PolicyInfo* p =
      cyclegc::internal::FindPolicy(static_cast<int>(kind));
  return p != nullptr ? p->name : nullptr;
}
