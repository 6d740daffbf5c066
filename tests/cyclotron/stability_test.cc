#include "stability.h"

#include <vector>

#include "gtest/gtest.h"

namespace cyclotron {
namespace {

const StabilityParams kParams{8, 5, 100, 0.05};

TEST(TheilSen, SlopeOfALineIsItsSlope) {
  EXPECT_DOUBLE_EQ(TheilSenSlope(std::vector<double>{1, 3, 5, 7, 9}), 2.0);
  EXPECT_DOUBLE_EQ(TheilSenSlope(std::vector<double>{9, 7, 5, 3, 1}), -2.0);
}

TEST(TheilSen, OneOutlierDoesNotMoveTheSlope) {
  EXPECT_DOUBLE_EQ(TheilSenSlope(std::vector<double>{10, 10, 1000, 10, 10}),
                   0.0);
}

TEST(TheilSen, FewerThanTwoPointsIsZero) {
  EXPECT_DOUBLE_EQ(TheilSenSlope(std::vector<double>{}), 0.0);
  EXPECT_DOUBLE_EQ(TheilSenSlope(std::vector<double>{5}), 0.0);
}

TEST(Median, OddAndEven) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
}

TEST(Stability, FlatSeriesIsStable) {
  std::vector<double> s(40, 30000);
  EXPECT_TRUE(JudgeStability(s, kParams).stable);
}

TEST(Stability, TooFewSamplesIsNotStable) {
  std::vector<double> s(39, 30000);  // 4 complete blocks of 8, 5 needed
  EXPECT_FALSE(JudgeStability(s, kParams).stable);
}

TEST(Stability, SawtoothWithFlatPeaksIsStable) {
  // Trash between collections: climbs to 20000, collected, again.
  std::vector<double> s;
  for (int i = 0; i < 80; ++i) s.push_back(2500.0 * (i % 8 + 1));
  const StabilityVerdict v = JudgeStability(s, kParams);
  EXPECT_TRUE(v.stable);
  EXPECT_DOUBLE_EQ(v.level, 20000);
  EXPECT_DOUBLE_EQ(v.slope_max, 0);
}

TEST(Stability, ClimbingPeaksAreNotStable) {
  // Runaway: each block's peak 10% above the last.
  std::vector<double> s;
  double peak = 10000;
  for (int b = 0; b < 6; ++b, peak *= 1.1) {
    for (int i = 0; i < 8; ++i) s.push_back(peak * (i + 1) / 8);
  }
  EXPECT_FALSE(JudgeStability(s, kParams).stable);
}

TEST(Stability, AbsoluteToleranceAppliesToSmallSeries) {
  // Slope 150 per block is 1.5% of the level, but above 100 absolute.
  std::vector<double> s;
  for (int b = 0; b < 5; ++b) {
    for (int i = 0; i < 8; ++i) s.push_back(10000 + 150.0 * b);
  }
  const StabilityVerdict v = JudgeStability(s, kParams);
  EXPECT_DOUBLE_EQ(v.slope_max, 150);
  EXPECT_FALSE(v.stable);
}

TEST(Stability, RelativeToleranceAppliesToTinySeries) {
  // Slope 10 per block is under 100, but 10% of a level of 100.
  std::vector<double> s;
  for (int b = 0; b < 5; ++b) {
    for (int i = 0; i < 8; ++i) s.push_back(100 + 10.0 * b);
  }
  EXPECT_FALSE(JudgeStability(s, kParams).stable);
}

TEST(Stability, OnlyTheTrailingBlocksCount) {
  // An early ramp, then flat for the last 5 blocks.
  std::vector<double> s;
  for (int i = 0; i < 40; ++i) s.push_back(1000.0 * i);
  for (int i = 0; i < 40; ++i) s.push_back(40000);
  EXPECT_TRUE(JudgeStability(s, kParams).stable);
  // Two new blocks at a higher level: the judged window moves with them.
  for (int i = 0; i < 16; ++i) s.push_back(90000);
  EXPECT_FALSE(JudgeStability(s, kParams).stable);
}

TEST(Stability, FallingSeriesIsStable) {
  std::vector<double> s;
  for (int i = 0; i < 40; ++i) s.push_back(100000 - 1000.0 * i);
  EXPECT_TRUE(JudgeStability(s, kParams).stable);
}

}  // namespace
}  // namespace cyclotron
