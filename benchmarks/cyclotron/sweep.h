// A sweep's results file: the settings it ran with, where and when, and every
// run it finished. `compare` rewrites it after each run, so an interrupted
// sweep keeps what it did and `compare --resume` continues it; `report` and
// `compare-files` read it back.
#ifndef CYCLOTRON_SWEEP_H_
#define CYCLOTRON_SWEEP_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grid.h"
#include "point_result.h"

namespace cyclotron {

struct SweepMeta {
  // What was asked: these must match for --resume.
  Grid grid;  // points, run lengths, objects per workload
  int threads = 1;
  int repeats = 1;
  uint64_t seed = 1;
  std::string new_policy;
  std::vector<std::string> bases;
  bool ceiling = false;  // each point also ran with cyc=0 under new_policy
  double timeout_s = 0;
  // Where and when.
  std::string date;    // UTC, RFC 3339, when the sweep started
  std::string commit;  // git commit of the source tree, or "unknown"
  int cores = 0;
  std::map<std::string, std::string> env;  // every CYCLEGC_* and MIMALLOC_*
};

struct SweepRun {
  int point = 0;       // index into meta.grid.points
  std::string policy;  // as asked (result.policy is the library's name)
  int repeat = 1;
  bool ceiling = false;  // the point with cyc=0
  std::string series;    // time-series CSV, relative to the output directory
  PointResult result;
};

struct Sweep {
  SweepMeta meta;
  std::vector<SweepRun> runs;
};

// "<out>/sweep_<grid>_t<threads>" (add .json or .runs.csv).
std::string SweepStem(const std::string& out_dir, const std::string& grid,
                      int threads);

std::string SweepJson(const Sweep& sweep);
std::string MetaJson(const SweepMeta& meta);
absl::StatusOr<Sweep> ParseSweep(const std::string& text);
// NotFound if the file does not exist; InvalidArgument naming the file.
absl::StatusOr<Sweep> LoadSweep(const std::string& path);
// Writes <stem>.json (through a temporary file and a rename, so a reader or
// an interruption never sees half a file) and <stem>.runs.csv, one line per
// run with its series file, for the plots.
absl::Status SaveSweep(const Sweep& sweep, const std::string& stem);

// Empty if `saved` was asked with the same settings as `now`; else what
// differs, e.g. "repeats: 1 saved, 3 now".
std::string SettingsDiffer(const SweepMeta& saved, const SweepMeta& now);

// Fills date, commit, cores and env from this process and machine.
void DescribeMachine(SweepMeta& meta);

}  // namespace cyclotron

#endif  // CYCLOTRON_SWEEP_H_
