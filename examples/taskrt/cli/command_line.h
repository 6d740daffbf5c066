// Parsing taskrt's command line: `taskrt <subcommand> [--flag=value ...]`.
// Each subcommand accepts only its own flags; anything else is an error that
// names the flag (main exits 2). Flags are written with '-' or '_'.
#ifndef TASKRT_CLI_COMMAND_LINE_H_
#define TASKRT_CLI_COMMAND_LINE_H_

#include <string>

#include "absl/status/statusor.h"

namespace taskrt {

struct ParsedCommand {
  std::string subcommand;  // empty with help = general usage
  bool help = false;
};

// Parses and sets the flags. InvalidArgument names the bad flag or argument.
absl::StatusOr<ParsedCommand> ParseCommandLine(int argc, char** argv);
// Checks the ranges of the subcommand's flags; the error names the flag.
absl::Status ValidateFlags(const std::string& subcommand);
// Usage of every subcommand, or of one.
std::string Usage(const std::string& subcommand);

}  // namespace taskrt

#endif  // TASKRT_CLI_COMMAND_LINE_H_
