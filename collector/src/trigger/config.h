// The collector's configuration: defaults, cgc_config fields, CYCLEGC_*
// environment variables, range checks. docs/configuration.md documents every
// setting; keep it in sync with kLimits below.
#ifndef CYCLEGC_COLLECTOR_CONFIG_H_
#define CYCLEGC_COLLECTOR_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct Config {
  size_t threshold = 2000;  // young objects; 0 disables automatic collection
  cgc_trigger_kind trigger = CGC_TRIGGER_PRESSURE;
  double mem_growth = CGC_MEM_GROWTH_AUTO;  // fraction of the estimate at last
                                            // collection
  size_t mem_min = CGC_MEM_MIN_AUTO;        // floor of that growth, bytes
  double defer_cap = 40.0;                  // multiple of threshold
  size_t memory_limit = 0;          // soft limit (paced), bytes; 0 = none
  unsigned debug = 0;               // CGC_DEBUG_* bits
  uint64_t stall_report_ms = 1000;  // stall report after; 0 = off
};

// Accepted ranges, shared by the field checks and the variable parsers.
struct ConfigLimits {
  static constexpr uint64_t kMaxThreshold = 1'000'000'000;
  static constexpr double kMaxMemGrowth = 100.0;             // 10000%
  static constexpr uint64_t kMaxMemMin = uint64_t{1} << 40;  // 1T
  static constexpr double kMaxDeferCap = 1'000'000.0;
  static constexpr uint64_t kMaxMemoryLimit = uint64_t{1} << 50;  // 1024T
  static constexpr uint64_t kMaxStallReportMs = 3'600'000;        // 1 hour
};

// The environment as the loader sees it (nullptr = unset); injectable so tests
// need not touch the process environment.
using EnvLookup = std::function<const char*(const char*)>;

// user == nullptr: defaults overridden by CYCLEGC_* variables. Otherwise the
// fields of *user (range-checked), overridden by the variables if
// user->apply_env. Errors (absl::InvalidArgumentError) name the variable or
// field, the value and the accepted form; nothing is applied on error.
absl::StatusOr<Config> LoadConfig(const cgc_config* user);
absl::StatusOr<Config> LoadConfigFrom(const cgc_config* user,
                                      const EnvLookup& getenv);

// Conversions from and to the public struct (no checks; apply_env is 0).
Config ConfigFromUser(const cgc_config& user);
void ConfigToUser(const Config& config, cgc_config* out);

// Applies every CYCLEGC_* variable `getenv` reports set and non-empty (an
// empty value counts as unset, as shells make it easy to produce one) to *c;
// stops at the first error (config_env.cc).
absl::Status ApplyEnvironment(const EnvLookup& getenv, Config* c);

// Applies one CYCLEGC_* variable to *c, parsed and checked exactly as the
// environment variable is (the same accepted forms and messages). An unknown
// name or a bad value changes nothing.
absl::Status ApplyConfigVariable(absl::string_view name, const char* value,
                                 Config* c);

// Copies a caller's config into *out (every field this library knows; those
// the caller's older layout lacks keep their defaults). Errors name the size.
absl::Status ImportConfig(const cgc_config* user, cgc_config* out);

// Fills the fields of *config with their defaults (size excepted; a field it
// leaves alone defaults to zero).
void FillConfigDefaults(cgc_config* config);

// Range checks of a complete Config; the error names the cgc_config field.
absl::Status ValidateConfig(const Config& config);

// The growth floor and the growth in force: the config's values, or for the
// AUTO values the policy's own (its row in policy_<name>.cc says which and
// why).
size_t MemMinFloor(const Config& config);
double MemGrowth(const Config& config);

// The policy's name ("pressure", ...); "unknown" outside the enum.
const char* TriggerName(cgc_trigger_kind kind);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CONFIG_H_
