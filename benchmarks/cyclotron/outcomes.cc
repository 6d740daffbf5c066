#include "outcomes.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace cyclotron {
namespace {

bool SamePoint(const PointSpec& a, const PointSpec& b) {
  return a.wl == b.wl && a.cycle == b.cycle && a.extra == b.extra &&
         a.live == b.live && a.cyc == b.cyc;
}

// The median of a point's runs under `policy` (ceiling runs apart).
PointResult Summary(const Sweep& s, int point, const std::string& policy,
                    bool ceiling) {
  std::vector<PointResult> runs;
  for (const SweepRun& r : s.runs) {
    if (r.point == point && r.policy == policy && r.ceiling == ceiling) {
      runs.push_back(r.result);
    }
  }
  if (runs.empty()) {
    PointResult none;
    none.point = s.meta.grid.points[static_cast<size_t>(point)];
    if (ceiling) none.point.cyc = 0;
    none.policy = policy;
    none.threads = s.meta.threads;
    none.error = "not run (the sweep was interrupted?)";
    return none;
  }
  return MedianOfRuns(runs);
}

std::vector<std::string> Policies(const Sweep& s) {
  std::vector<std::string> p = s.meta.bases;
  p.push_back(s.meta.new_policy);
  return p;
}

}  // namespace

std::vector<CompareOutcome> SweepOutcomes(const Sweep& s) {
  std::vector<CompareOutcome> outcomes;
  const int points = static_cast<int>(s.meta.grid.points.size());
  for (const std::string& base : s.meta.bases) {
    CompareOutcome o{base, s.meta.new_policy, s.meta.threads, {}};
    for (int i = 0; i < points; ++i) {
      ComparedPoint p;
      p.base = Summary(s, i, base, false);
      p.next = Summary(s, i, s.meta.new_policy, false);
      if (s.meta.ceiling) {
        p.ceiling = Summary(s, i, s.meta.new_policy, true);
        p.has_ceiling = true;
      }
      o.rows.push_back(std::move(p));
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

std::vector<CompareOutcome> FileOutcomes(const Sweep& a, const Sweep& b) {
  std::vector<CompareOutcome> outcomes;
  const std::vector<std::string> in_a = Policies(a);
  for (const std::string& policy : Policies(b)) {
    if (std::find(in_a.begin(), in_a.end(), policy) == in_a.end()) continue;
    CompareOutcome o{absl::StrCat("A:", policy),
                     absl::StrCat("B:", policy),
                     b.meta.threads,
                     {}};
    if (a.meta.threads != b.meta.threads) continue;
    for (size_t j = 0; j < b.meta.grid.points.size(); ++j) {
      for (size_t i = 0; i < a.meta.grid.points.size(); ++i) {
        if (!SamePoint(a.meta.grid.points[i], b.meta.grid.points[j])) continue;
        ComparedPoint p;
        p.base = Summary(a, static_cast<int>(i), policy, false);
        p.next = Summary(b, static_cast<int>(j), policy, false);
        o.rows.push_back(std::move(p));
        break;
      }
    }
    if (!o.rows.empty()) outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace cyclotron
