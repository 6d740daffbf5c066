// Runs one grid point in this process: initialises cyclegc under the chosen
// policy, runs the workload on N attached threads, samples RSS / trash /
// full-page bytes, stops when the run is long enough and stable, then shuts
// the library down so another run may follow (tests do that).
#ifndef CYCLOTRON_POINT_RUNNER_H_
#define CYCLOTRON_POINT_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "point_result.h"
#include "point_spec.h"
#include "stability.h"

namespace cyclotron {

// What the runner saw at one sample, for a progress line.
struct SampleView {
  double t_s = 0;
  int64_t created = 0;
  int64_t rss = 0;
  int64_t trash = 0;
  int64_t collections = 0;
  bool trash_stable = false;
  bool rss_stable = false;
};

struct RunOptions {
  PointSpec point;
  int threads = 1;
  uint64_t seed = 1;
  std::string policy;         // empty: CYCLEGC_TRIGGER or the default
  int64_t objects = 1000000;  // object target (all threads together)
  double min_s = 10;          // run at least this long
  double max_s = 60;          // and at most this long
  double sample_s = 0.25;     // sampling period
  int group = 8;              // samples per stability block
  int blocks = 5;             // blocks judged
  std::string series_out;     // time-series CSV path; empty: none
  // Called on the sampling thread after every sample; optional.
  std::function<void(const SampleView&)> on_sample;
};

// InvalidArgument naming the flag, the value and the accepted range.
absl::Status ValidateRunOptions(const RunOptions& options);

// Stability rules: trash in objects; RSS in KiB (so the absolute tolerance of
// 100 means 100 KiB per block).
StabilityParams TrashStability(const RunOptions& options);
StabilityParams RssStability(const RunOptions& options);

// Fails (with the library's message) if cgc_init or an allocation fails.
absl::StatusOr<PointResult> RunPoint(const RunOptions& options);

}  // namespace cyclotron

#endif  // CYCLOTRON_POINT_RUNNER_H_
