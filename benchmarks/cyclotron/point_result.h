// What one run of one grid point measured, and its exchange format between
// the `compare` parent and its `run` children (one "key=value" per line).
#ifndef CYCLOTRON_POINT_RESULT_H_
#define CYCLOTRON_POINT_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "json.h"
#include "point_spec.h"

namespace cyclotron {

struct PointResult {
  PointSpec point;
  int threads = 1;
  std::string policy;      // trigger in force, as the library names it
  double t_target_s = -1;  // wall time until `objects` were created
  double run_s = 0;        // whole run, until stable or the time cap
  int64_t objects_target = 0;
  int64_t created = 0;       // objects created by the workload
  int64_t live_objects = 0;  // the live set: objects the threads held at most
  int64_t live_bytes = 0;    // and the blocks and payloads they occupied
  int64_t rss_peak = 0;      // VmHWM, bytes
  int64_t rss_max = 0;       // max of the samples, bytes
  int64_t rss_final = 0;     // last sample, bytes
  int64_t fpb_max = 0;       // max sampled cgc_full_page_bytes()
  int64_t trash_max = 0;     // max at collection starts and samples (exact)
  int64_t trash_sampled_max = 0;     // max over the periodic samples only
  int64_t trash_final = 0;           // last sample
  int64_t trash_after_collect = -1;  // after the workload stopped + collect
  int64_t collections = 0;           // cgc_get_stats
  int64_t deferred = 0;              // cgc_get_stats
  int64_t pause_events = 0;          // STOP events seen
  double pause_mean_ms = 0;
  double pause_p50_ms = 0;
  double pause_p95_ms = 0;
  double pause_p99_ms = 0;
  double pause_max_ms = 0;
  double pause_total_ms = 0;
  bool trash_stable = false;
  bool rss_stable = false;
  int64_t samples = 0;
  std::string error;  // non-empty: the run failed
  int runs = 1;       // runs this result summarizes (MedianOfRuns)
};

// One result for repeated runs of the same point and policy: the median of
// each metric (peak RSS with 2 threads moves in whole mimalloc segments from
// run to run, so one run can differ by 20% from the next). Stable only if
// every run was stable; a failed run makes the summary that failure.
PointResult MedianOfRuns(const std::vector<PointResult>& runs);

std::string SerializeResult(const PointResult& r);
absl::StatusOr<PointResult> ParseResult(const std::string& text);

// The same fields as one JSON object, numbers and booleans typed.
std::string ResultJson(const PointResult& r);
absl::StatusOr<PointResult> ResultFromJson(const JsonValue& v);

}  // namespace cyclotron

#endif  // CYCLOTRON_POINT_RESULT_H_
