// Named grids of points, each with the run lengths that fit its purpose.
#ifndef CYCLOTRON_GRID_H_
#define CYCLOTRON_GRID_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "point_spec.h"

namespace cyclotron {

struct Grid {
  std::string name;
  std::vector<PointSpec> points;
  int64_t objects = 1000000;
  double min_s = 10;
  double max_s = 60;
  double sample_s = 0.25;
};

// "quick" (seconds; CI and tests), "default" (about 10 minutes for three
// policies on 2 cores; shows the runaway), "full" (the original 36-point chain
// grid and the same for tree; hours).
absl::StatusOr<Grid> GetGrid(const std::string& name);

}  // namespace cyclotron

#endif  // CYCLOTRON_GRID_H_
