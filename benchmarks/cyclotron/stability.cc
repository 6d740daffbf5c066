#include "stability.h"

#include <algorithm>

namespace cyclotron {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2 == 1) return v[mid];
  const double upper = v[mid];
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return (lower + upper) / 2;
}

double TheilSenSlope(absl::Span<const double> y) {
  std::vector<double> slopes;
  for (size_t i = 0; i < y.size(); ++i) {
    for (size_t j = i + 1; j < y.size(); ++j) {
      slopes.push_back((y[j] - y[i]) / static_cast<double>(j - i));
    }
  }
  return Median(std::move(slopes));
}

StabilityVerdict JudgeStability(absl::Span<const double> samples,
                                const StabilityParams& params) {
  StabilityVerdict verdict;
  if (params.group < 1 || params.blocks < 2) return verdict;
  const size_t group = static_cast<size_t>(params.group);
  const size_t complete = samples.size() / group;
  if (complete < static_cast<size_t>(params.blocks)) return verdict;
  // Blocks aligned to the end so the newest samples always count.
  const size_t first = samples.size() - complete * group +
                       (complete - static_cast<size_t>(params.blocks)) * group;
  std::vector<double> maxima, medians;
  for (int b = 0; b < params.blocks; ++b) {
    auto block = samples.subspan(first + static_cast<size_t>(b) * group, group);
    maxima.push_back(*std::max_element(block.begin(), block.end()));
    medians.push_back(Median(std::vector<double>(block.begin(), block.end())));
  }
  verdict.slope_max = TheilSenSlope(maxima);
  verdict.slope_median = TheilSenSlope(medians);
  verdict.level = Median(maxima);
  const double level_median = std::max(Median(medians), 1.0);
  const double level_max = std::max(verdict.level, 1.0);
  verdict.stable = verdict.slope_max <= params.abs_tol &&
                   verdict.slope_max / level_max <= params.rel_tol &&
                   verdict.slope_median <= params.abs_tol &&
                   verdict.slope_median / level_median <= params.rel_tol;
  return verdict;
}

}  // namespace cyclotron
