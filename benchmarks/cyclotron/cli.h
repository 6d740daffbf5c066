// The command line: `cyclotron run|compare|report|compare-files ...`, parsed
// with abseil flags but by our own loop, so that an unknown flag, a flag of
// another command, a malformed value or a stray argument is an error we
// report (exit code 2) instead of abseil's default exit.
#ifndef CYCLOTRON_CLI_H_
#define CYCLOTRON_CLI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compare.h"
#include "point_runner.h"

namespace cyclotron {

struct Invocation {
  enum class Kind { kHelp, kRun, kCompare, kReport, kCompareFiles };
  Kind kind = Kind::kHelp;
  RunOptions run;                  // kRun
  std::string result_out;          // kRun: result file for a compare parent
  bool header = true;              // kRun: print the column header
  bool progress = true;            // kRun: progress line on stderr
  CompareOptions compare;          // kCompare
  std::vector<std::string> files;  // kReport: 1, kCompareFiles: 2
};

// args[0] is the program name. InvalidArgument says what was wrong; the flags
// keep the values they had when an error is returned mid-way, so callers exit.
absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args);

}  // namespace cyclotron

#endif  // CYCLOTRON_CLI_H_
