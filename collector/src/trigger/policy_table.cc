#include "policy_table.h"

#include <array>
#include <cstddef>
#include <span>
#include <utility>

namespace cyclegc::internal {
namespace {

constexpr size_t kKinds = CGC_TRIGGER_KIND_END;

template <size_t... K>
std::array<PolicyInfo, kKinds> CollectRows(std::index_sequence<K...>) {
  return {PolicyRow<static_cast<cgc_trigger_kind>(K)>()...};
}

// Built on first use, not at load: cgc_init may run from a static
// initializer of another library.
const std::array<PolicyInfo, kKinds>& Table() {
  static const std::array<PolicyInfo, kKinds> table =
      CollectRows(std::make_index_sequence<kKinds>());
  return table;
}

}  // namespace

std::span<const PolicyInfo> Policies() { return Table(); }

const PolicyInfo* FindPolicy(int kind) {
  if (kind < 0 || static_cast<size_t>(kind) >= kKinds) return nullptr;
  return &Table()[static_cast<size_t>(kind)];
}

}  // namespace cyclegc::internal

extern "C" CGC_API const char* cgc_trigger_name(cgc_trigger_kind kind) {
  const cyclegc::internal::PolicyInfo* p =
      cyclegc::internal::FindPolicy(static_cast<int>(kind));
  return p != nullptr ? p->name : nullptr;
}
