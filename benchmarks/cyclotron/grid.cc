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

Grid Quick() {
  Grid g;
  g.name = "quick";
  g.points = {P("chain", 10, 0, 100), P("chain", 10, 100000, 100),
              P("tree", 20, 10000, 100)};
  g.objects = 100000;
  g.min_s = 1;
  g.max_s = 4;
  g.sample_s = 0.05;
  return g;
}

// Small `live` with large `extra` is where RSS-based deferral runs away: the
// trash (up to the deferral cap of young objects) dwarfs what is live. The
// zero-payload and large-live rows check that fullpages costs nothing there.
Grid Default() {
  Grid g;
  g.name = "default";
  g.points = {P("chain", 10, 0, 100),        P("chain", 10, 0, 10000),
              P("chain", 10, 100000, 100),   P("chain", 10, 100000, 10000),
              P("chain", 100, 0, 10000),     P("chain", 100, 10000, 100),
              P("chain", 100, 300000, 100),  P("chain", 100, 300000, 10000),
              P("chain", 1000, 300000, 100), P("tree", 100, 0, 10000),
              P("tree", 100, 300000, 100)};
  // 20M objects take 1-10 s depending on the point and policy: long enough
  // for r-t to mean something on a busy machine, reached well before max_s.
  g.objects = 20000000;
  g.min_s = 10;
  g.max_s = 20;
  g.sample_s = 0.25;
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
  if (name == "full") return Full();
  return absl::InvalidArgumentError(absl::StrFormat(
      "--grid='%s': accepted grids are quick, default, full", name));
}

}  // namespace cyclotron
