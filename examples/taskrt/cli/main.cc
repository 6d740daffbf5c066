// taskrt: a small async task runtime on cyclegc, and the scenarios that send
// runtimes looking for a cycle collector. `taskrt --help` lists them.
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "cli/command_line.h"
#include "cli/run_scenario.h"

int main(int argc, char** argv) {
  absl::StatusOr<taskrt::ParsedCommand> cmd =
      taskrt::ParseCommandLine(argc, argv);
  if (!cmd.ok()) {
    std::fprintf(stderr, "taskrt: %s\n%s",
                 std::string(cmd.status().message()).c_str(),
                 taskrt::Usage("").c_str());
    return 2;
  }
  if (cmd->help) {
    std::fputs(taskrt::Usage(cmd->subcommand).c_str(), stdout);
    return 0;
  }
  if (absl::Status st = taskrt::ValidateFlags(cmd->subcommand); !st.ok()) {
    std::fprintf(stderr, "taskrt: %s: %s\n", cmd->subcommand.c_str(),
                 std::string(st.message()).c_str());
    return 2;
  }
  return taskrt::RunScenario(cmd->subcommand);
}
