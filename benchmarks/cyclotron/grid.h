// Named grids of points, each with the run lengths that fit its purpose.
#ifndef CYCLOTRON_GRID_H_
#define CYCLOTRON_GRID_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "point_spec.h"

namespace cyclotron {

struct Grid {
  std::string name;
  std::vector<PointSpec> points;
  int threads = 1;            // workload threads unless --threads says
  int64_t objects = 1000000;  // object target of a run
  // A workload's own target (queue: 1M nodes, Tim Peters' test); --objects
  // overrides every one.
  std::map<std::string, int64_t> objects_by_wl;
  double min_s = 10;
  double max_s = 60;
  double sample_s = 0.25;
};

// "quick" (seconds; CI and tests), "default" (the README's grid; shows the
// runaway), "default2" (a subset of default and the queue, on 2 threads),
// "full" (the original 36-point chain grid, the same for tree, the queue;
// hours).
absl::StatusOr<Grid> GetGrid(const std::string& name);

// The object target of a point of `grid`.
int64_t ObjectsFor(const Grid& grid, const PointSpec& point);

}  // namespace cyclotron

#endif  // CYCLOTRON_GRID_H_
