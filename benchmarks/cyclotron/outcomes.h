// The tables' rows from saved runs: medians per point and policy, the new
// policy against each base (a sweep), or one file's runs against another's.
#ifndef CYCLOTRON_OUTCOMES_H_
#define CYCLOTRON_OUTCOMES_H_

#include <string>
#include <vector>

#include "report.h"
#include "sweep.h"

namespace cyclotron {

struct CompareOutcome {
  std::string base;  // label of the base side ("rss", "A:count")
  std::string next;  // label of the new side
  int threads = 1;
  std::vector<ComparedPoint> rows;  // in grid order
};

// One outcome per base policy of the sweep, rows in grid order; a point with
// no finished run (an interrupted sweep) gets a row whose error says so.
std::vector<CompareOutcome> SweepOutcomes(const Sweep& sweep);

// For each policy both sweeps ran, the points both ran (same workload and
// thread count): `a` as the base, `b` as the new side. Empty if none match.
std::vector<CompareOutcome> FileOutcomes(const Sweep& a, const Sweep& b);

}  // namespace cyclotron

#endif  // CYCLOTRON_OUTCOMES_H_
