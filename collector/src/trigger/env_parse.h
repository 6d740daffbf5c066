// Strict parsers for configuration values (CYCLEGC_* variables and cgc_config
// fields). Every error names the setting, quotes the value and states the
// accepted form, e.g.
//   CYCLEGC_MEM_MIN="4Q": expected a byte size: an integer with an optional
//   unit K, M, G or T (binary: 1K = 1024), e.g. 128K or 4M, in [0, 1T]
// Surrounding ASCII spaces are ignored; nothing else is (no signs, no hex, no
// "inf"/"nan", no trailing junk).
#ifndef CYCLEGC_COLLECTOR_ENV_PARSE_H_
#define CYCLEGC_COLLECTOR_ENV_PARSE_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cyclegc::internal::env {

// A non-negative decimal integer in [min, max].
absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view name,
                                       absl::string_view text, uint64_t min,
                                       uint64_t max);

// A non-negative decimal number (digits with an optional fraction: "40",
// "2.5") in [min, max].
absl::StatusOr<double> ParseNumber(absl::string_view name,
                                   absl::string_view text, double min,
                                   double max);

// A fraction ("0.10") or a percentage ("10%", "12.5%"); returned as a fraction
// in [min, max].
absl::StatusOr<double> ParseFraction(absl::string_view name,
                                     absl::string_view text, double min,
                                     double max);

// A byte count: an integer with an optional binary unit K, M, G or T (case
// insensitive, optionally followed by "B" or "iB"): "4096", "128K", "4MiB".
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view name,
                                       absl::string_view text, uint64_t min,
                                       uint64_t max);

// A duration in whole milliseconds: a number with an optional unit ms
// (the default) or s ("1000", "250ms", "1.5s"); "off" means 0.
absl::StatusOr<uint64_t> ParseMilliseconds(absl::string_view name,
                                           absl::string_view text,
                                           uint64_t max);

// One of a fixed set of names (case insensitive).
struct EnumName {
  absl::string_view name;
  int value;
};
absl::StatusOr<int> ParseEnum(absl::string_view name, absl::string_view text,
                              std::span<const EnumName> names);

// A comma-separated list of flag names OR-ed together (case insensitive;
// spaces around items ignored). "", "0", "off" and "none" mean no flag.
absl::StatusOr<unsigned> ParseFlagList(absl::string_view name,
                                       absl::string_view text,
                                       std::span<const EnumName> flags);

// "128K"-style rendering of a byte count, for messages and documentation.
std::string FormatByteSize(uint64_t bytes);

}  // namespace cyclegc::internal::env

#endif  // CYCLEGC_COLLECTOR_ENV_PARSE_H_
