// The flags of every command, which command takes which, and the help text.
#ifndef CYCLOTRON_CLI_FLAGS_H_
#define CYCLOTRON_CLI_FLAGS_H_

#include <cstdint>
#include <set>
#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, wl);
ABSL_DECLARE_FLAG(int64_t, cycle);
ABSL_DECLARE_FLAG(int64_t, extra);
ABSL_DECLARE_FLAG(int64_t, live);
ABSL_DECLARE_FLAG(int, cyc);
ABSL_DECLARE_FLAG(std::string, policy);
ABSL_DECLARE_FLAG(std::string, series_out);
ABSL_DECLARE_FLAG(std::string, result_out);
ABSL_DECLARE_FLAG(bool, header);
ABSL_DECLARE_FLAG(int, threads);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int64_t, objects);
ABSL_DECLARE_FLAG(double, min_s);
ABSL_DECLARE_FLAG(double, max_s);
ABSL_DECLARE_FLAG(double, sample_s);
ABSL_DECLARE_FLAG(bool, progress);
ABSL_DECLARE_FLAG(std::string, base);
ABSL_DECLARE_FLAG(std::string, new);
ABSL_DECLARE_FLAG(std::string, grid);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(int, repeat);
ABSL_DECLARE_FLAG(bool, ceiling);
ABSL_DECLARE_FLAG(bool, resume);
ABSL_DECLARE_FLAG(double, timeout_s);

namespace cyclotron {

// The flags `command` accepts ("run", "compare"; the file commands none).
const std::set<std::string>& FlagsOf(const std::string& command);
// Every flag of every command.
const std::set<std::string>& AllFlags();

// Every command, then each command's flags with its meaning and real default.
std::string UsageText();

}  // namespace cyclotron

#endif  // CYCLOTRON_CLI_FLAGS_H_
