// Runs one taskrt subcommand with the parsed flags and prints its figures.
#ifndef TASKRT_CLI_RUN_SCENARIO_H_
#define TASKRT_CLI_RUN_SCENARIO_H_

#include <string>

namespace taskrt {

// Returns the process exit code: 0 if the scenario's checks passed, 1 if not.
int RunScenario(const std::string& subcommand);

}  // namespace taskrt

#endif  // TASKRT_CLI_RUN_SCENARIO_H_
