// `cyclotron compare`: every grid point runs once per policy, each run in a
// fresh child process (this program, `run` command) so its RSS and peak RSS
// start clean; the parent collects the children's results and reports.
#ifndef CYCLOTRON_COMPARE_H_
#define CYCLOTRON_COMPARE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grid.h"
#include "report.h"

namespace cyclotron {

struct CompareOptions {
  std::vector<std::string> bases;  // each compared with `new_policy`
  std::string new_policy;
  Grid grid;  // points and run lengths
  int threads = 1;
  int repeats = 1;  // runs per point and policy; tables show the medians
  uint64_t seed = 1;
  std::string out_dir;   // CSV, JSON, runs/, series/, logs/
  bool progress = true;  // progress line on stderr
};

// One table per base policy, rows in grid order.
struct CompareOutcome {
  std::string base;
  std::vector<ComparedPoint> rows;
};

// Runs the grid and writes, per base, compare_<base>_vs_<new>_t<threads>.csv
// and .json into out_dir. A failed child becomes a row with its error.
absl::StatusOr<std::vector<CompareOutcome>> RunCompare(
    const CompareOptions& options);

// The arguments of the child run (after the program name), for tests.
std::vector<std::string> ChildArgs(const CompareOptions& options,
                                   const PointSpec& point,
                                   const std::string& policy,
                                   const std::string& result_path,
                                   const std::string& series_path);

}  // namespace cyclotron

#endif  // CYCLOTRON_COMPARE_H_
