// Tables (stdout), CSV and JSON of runs and comparisons.
#ifndef CYCLOTRON_REPORT_H_
#define CYCLOTRON_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "point_result.h"

namespace cyclotron {

// One point measured under a base and a new policy.
struct ComparedPoint {
  PointResult base;
  PointResult next;          // the "new" policy
  PointResult ceiling;       // the new policy at cyc=0 (refcounting alone)
  bool has_ceiling = false;  // the sweep ran the ceiling
};

// `cyclotron run`: header (optional) and the row of one run, then a line of
// the figures the row omits.
std::string FormatRunRow(const PointResult& r, bool header);

// `cyclotron compare`: the table in the original tool's layout, columns that
// are the same on every row moved to a footer, then the largest ratios.
std::string FormatCompareTable(const std::string& base_policy,
                               const std::string& new_policy, int threads,
                               const std::vector<ComparedPoint>& rows);

std::string CompareCsv(const std::string& base_policy,
                       const std::string& new_policy, int threads,
                       const std::vector<ComparedPoint>& rows);
// `meta_json` (a JSON object, optional) is stored as "meta".
std::string CompareJson(const std::string& base_policy,
                        const std::string& new_policy, int threads,
                        const std::vector<ComparedPoint>& rows,
                        const std::string& meta_json = "");

absl::Status WriteTextFile(const std::string& path, const std::string& text);

// new/base, or -1 when either is missing or the base is not positive.
double RatioValue(double new_value, double base_value);

}  // namespace cyclotron

#endif  // CYCLOTRON_REPORT_H_
