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
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct Config {
  size_t threshold = 2000;  // young objects; 0 disables automatic collection
  cgc_trigger_kind trigger = CGC_TRIGGER_FULLPAGES;
  double mem_growth = 0.10;  // fraction of the estimate at last collection
  size_t mem_min = CGC_MEM_MIN_AUTO;  // floor of that growth, bytes
  double defer_cap = 40.0;            // multiple of threshold
  size_t memory_limit = 0;            // soft limit (paced), bytes; 0 = none
  unsigned debug = 0;                 // CGC_DEBUG_* bits
  uint64_t stall_report_ms = 1000;    // stall report after; 0 = off
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

// Range checks of a complete Config; the error names the cgc_config field.
absl::Status ValidateConfig(const Config& config);

// The growth floor in force: config.mem_min, or for CGC_MEM_MIN_AUTO the
// policy's own. rss keeps CPython 3.14t's 128 KiB. fullpages takes one small
// mimalloc page (64 KiB), less than a threshold of the smallest GC objects
// fills (2000 x 48-byte blocks: 96 KiB). Full-page bytes grow in whole pages;
// with 128 KiB, a threshold of 64-byte objects split over 2 threads (one page
// each) passed the floor about half the time, so fullpages deferred where
// count's garbage was all cyclic (cyclotron chain c=10 e=0, 2 threads: 1.4x
// count's trash, 1.1x its RSS).
size_t MemMinFloor(const Config& config);

// "fullpages", "rss", "count", "paced"; "unknown" otherwise.
const char* TriggerName(cgc_trigger_kind kind);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CONFIG_H_
