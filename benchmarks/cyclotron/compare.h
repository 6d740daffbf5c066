// `cyclotron compare`: every grid point runs once per policy and repeat, each
// run in a fresh child process (this program, `run` command) so its RSS and
// peak RSS start clean. The sweep file is saved after every run.
#ifndef CYCLOTRON_COMPARE_H_
#define CYCLOTRON_COMPARE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grid.h"
#include "outcomes.h"

namespace cyclotron {

struct CompareOptions {
  std::vector<std::string> bases;  // each compared with `new_policy`
  std::string new_policy;
  Grid grid;  // points and run lengths
  int threads = 1;
  int repeats = 1;  // runs per point and policy; tables show the medians
  uint64_t seed = 1;
  bool ceiling = false;  // also each point with cyc=0 under new_policy
  bool resume = false;   // keep the runs of a saved sweep with same settings
  double timeout_s = 0;  // per child; 0: never
  std::string out_dir;   // sweep file, CSV, JSON, runs/, series/, logs/
  bool progress = true;  // progress line on stderr
};

// Runs the sweep (saving <out>/sweep_<grid>_t<threads>.json after each run)
// and writes, per base, compare_<base>_vs_<new>_t<threads>.csv and .json. A
// failed child becomes a row with its error.
absl::StatusOr<std::vector<CompareOutcome>> RunCompare(
    const CompareOptions& options);

// The arguments of the child run (after the program name), for tests.
std::vector<std::string> ChildArgs(const CompareOptions& options,
                                   const PointSpec& point,
                                   const std::string& policy,
                                   const std::string& result_path,
                                   const std::string& series_path);

// Writes compare_<base>_vs_<new>_t<threads>.{csv,json,txt} into out_dir.
absl::Status WriteOutcome(const std::string& out_dir, const SweepMeta& meta,
                          const CompareOutcome& outcome);

}  // namespace cyclotron

#endif  // CYCLOTRON_COMPARE_H_
