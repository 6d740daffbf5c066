// The stability rule of the cyclotron: samples are grouped in blocks; over the
// last few blocks, the Theil-Sen slope (per block) of the block maxima and of
// the block medians must both be small in absolute terms and relative to the
// series' level. A sawtooth (trash between collections) is stable as long as
// its peaks do not climb.
#ifndef CYCLOTRON_STABILITY_H_
#define CYCLOTRON_STABILITY_H_

#include <vector>

#include "absl/types/span.h"

namespace cyclotron {

struct StabilityParams {
  int group = 8;          // samples per block
  int blocks = 5;         // trailing blocks judged
  double abs_tol = 100;   // max slope, series units per block
  double rel_tol = 0.05;  // max slope / level
};

struct StabilityVerdict {
  bool stable = false;      // false too when there are not enough samples
  double slope_max = 0;     // Theil-Sen slope of the block maxima
  double slope_median = 0;  // Theil-Sen slope of the block medians
  double level = 0;         // median of the judged block maxima
};

// Median of all pairwise slopes (y[j]-y[i])/(j-i); 0 for fewer than 2 points.
double TheilSenSlope(absl::Span<const double> y);
double Median(std::vector<double> v);

// Judges the trailing `blocks` complete blocks of `samples` (oldest first).
StabilityVerdict JudgeStability(absl::Span<const double> samples,
                                const StabilityParams& params);

}  // namespace cyclotron

#endif  // CYCLOTRON_STABILITY_H_
