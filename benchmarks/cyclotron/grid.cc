#include "grid.h"

#include "absl/strings/str_format.h"

namespace cyclotron {
namespace {

PointSpec P(const char* wl, int64_t cycle, int64_t extra, int64_t live) {
  PointSpec p;
  p.wl = wl;
  p.cycle = cycle;
  p.extra = extra;
  p.live = live;
  p.cyc = 100;
  return p;
}

// A queue of `live` nodes of `extra` bytes each (no cycle length).
PointSpec Q(int64_t extra, int64_t live) { return P("queue", 1, extra, live); }

// Tim Peters' test: 1000 nodes of 10 kB live, 1M nodes in all.
constexpr int64_t kQueueObjects = 1000000;

Grid Quick() {
  Grid g;
  g.name = "quick";
  g.points = {P("chain", 10, 0, 100), P("chain", 10, 100000, 100),
              P("tree", 20, 10000, 100), Q(10000, 100)};
  g.objects = 100000;
  g.objects_by_wl = {{"queue", 20000}};
  g.min_s = 1;
  g.max_s = 4;
  g.sample_s = 0.05;
  return g;
}

// The run lengths of the README's grids: a run needs 40 samples (5 blocks of
// 8) to be judged stable, 5 s at this rate; 10M objects take 0.5-6 s on a
// quiet machine depending on the point and policy, so the target is reached
// well before max_s, which bounds the main command (72 runs with four
// policies) on a loaded machine.
void DefaultLengths(Grid& g) {
  g.objects = 10000000;
  g.objects_by_wl = {{"queue", kQueueObjects}};
  g.min_s = 5;
  g.max_s = 11;
  g.sample_s = 0.125;
}

// Small `live` with large `extra` is where RSS-based deferral runs away: the
// trash (up to the deferral cap of young objects) dwarfs what is live. The
// zero-payload and large-live rows check that a trigger costs nothing there;
// the queues are Tim Peters' test (10 MB live) and the same live set in
// small nodes.
Grid Default() {
  Grid g;
  g.name = "default";
  g.points = {P("chain", 10, 0, 100),
              P("chain", 10, 0, 10000),
              P("chain", 10, 100000, 100),
              P("chain", 10, 100000, 10000),
              P("chain", 100, 0, 10000),
              P("chain", 100, 10000, 100),
              P("chain", 100, 300000, 100),
              P("chain", 100, 300000, 10000),
              P("chain", 1000, 300000, 100),
              P("tree", 100, 0, 10000),
              P("tree", 100, 300000, 100),
              Q(10000, 1000),
              Q(1000, 10000)};
  DefaultLengths(g);
  return g;
}

// Two threads: the rows where stopping every thread costs most (small heaps
// collected often), the runaway rows, and Tim Peters' test.
Grid Default2() {
  Grid g;
  g.name = "default2";
  g.threads = 2;
  g.points = {P("chain", 10, 0, 100), P("chain", 10, 100000, 100),
              P("chain", 100, 10000, 100), P("tree", 100, 300000, 100),
              Q(10000, 1000)};
  DefaultLengths(g);
  return g;
}

Grid Full() {
  Grid g;
  g.name = "full";
  for (const char* wl : {"chain", "tree"}) {
    for (int64_t cycle : {10, 100, 1000}) {
      for (int64_t extra : {0, 10000, 100000, 300000}) {
        for (int64_t live : {100, 10000, 30000}) {
          g.points.push_back(P(wl, cycle, extra, live));
        }
      }
    }
  }
  for (int64_t extra : {0, 1000, 10000, 100000}) {
    for (int64_t live : {100, 1000, 10000}) g.points.push_back(Q(extra, live));
  }
  g.objects = 1000000;
  g.min_s = 10;
  g.max_s = 60;
  g.sample_s = 0.25;
  return g;
}

}  // namespace

absl::StatusOr<Grid> GetGrid(const std::string& name) {
  if (name == "quick") return Quick();
  if (name == "default") return Default();
  if (name == "default2") return Default2();
  if (name == "full") return Full();
  return absl::InvalidArgumentError(absl::StrFormat(
      "--grid='%s': accepted grids are quick, default, default2, full", name));
}

int64_t ObjectsFor(const Grid& grid, const PointSpec& point) {
  auto it = grid.objects_by_wl.find(point.wl);
  return it != grid.objects_by_wl.end() ? it->second : grid.objects;
}

}  // namespace cyclotron
