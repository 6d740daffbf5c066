// The table of trigger policies: one row per cgc_trigger_kind, read by the
// config (names, defaults, range checks), the trigger (factory) and, through
// cgc_trigger_name(), the harness and the benchmarks. Adding a policy: the
// public enum value, its policy_<name>.cc with a Make function, and its row.
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

// Every policy, in enum order (kinds are dense from 0).
std::span<const PolicyInfo> Policies();
// The row of `kind`, or nullptr for a value outside the enum.
const PolicyInfo* FindPolicy(int kind);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_POLICY_TABLE_H_
