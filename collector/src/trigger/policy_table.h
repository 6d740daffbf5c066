// The table of trigger policies: one row per cgc_trigger_kind, read by the
// config (names, defaults, range checks), the trigger (factory) and, through
// cgc_trigger_name(), the harness and the benchmarks. Each policy_<name>.cc
// defines its own row (PolicyRow below): adding a policy is its enum value in
// cyclegc.h and its file.
#ifndef CYCLEGC_COLLECTOR_POLICY_TABLE_H_
#define CYCLEGC_COLLECTOR_POLICY_TABLE_H_

#include <cstddef>
#include <memory>
#include <span>

#include "absl/strings/string_view.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct Config;
class MemorySource;
class Policy;

struct PolicyInfo {
  cgc_trigger_kind kind;
  const char* name;           // CYCLEGC_TRIGGER value, lower case
  size_t default_mem_min;     // the floor CGC_MEM_MIN_AUTO stands for
  double default_mem_growth;  // the growth CGC_MEM_GROWTH_AUTO stands for
  std::unique_ptr<Policy> (*make)(const Config& config, MemorySource* mem);
};

inline constexpr size_t kKiB = 1024;
inline constexpr size_t kMiB = 1024 * kKiB;

// The row of `Kind`, defined in its policy_<name>.cc:
//   template <>
//   const PolicyInfo& PolicyRow<CGC_TRIGGER_COUNT>() {
//     static constexpr PolicyInfo kRow{CGC_TRIGGER_COUNT, "count", ...};
//     return kRow;
//   }
// The table calls it for every kind below CGC_TRIGGER_KIND_END and the linker
// finds each file's definition (the table does not see them: clang's
// -Wundefined-func-template, off in -Wall/-Wextra, would say so). A kind
// without a row fails to link (undefined PolicyRow<(cgc_trigger_kind)N>()),
// and a static library keeps every policy file, as the table refers to it.
template <cgc_trigger_kind Kind>
const PolicyInfo& PolicyRow();

// Every policy, in enum order (kinds are dense from 0).
std::span<const PolicyInfo> Policies();
// The row of `kind`, or nullptr for a value outside the enum.
const PolicyInfo* FindPolicy(int kind);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_POLICY_TABLE_H_
