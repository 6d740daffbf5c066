#include "young_count.h"

#include <cstdint>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace cyclegc::internal {
namespace {

TEST(YoungCount, AddsAndSubtracts) {
  YoungCount y;
  EXPECT_EQ(y.Add(256), 256u);
  EXPECT_EQ(y.Add(256), 512u);
  EXPECT_EQ(y.Add(-100), 412u);
  EXPECT_EQ(y.Load(), 412u);
}

TEST(YoungCount, ClampsAtZero) {
  YoungCount y;
  y.Add(100);
  EXPECT_EQ(y.Add(-256), 0u);
  EXPECT_EQ(y.Add(10), 10u);
}

TEST(YoungCount, TakeAllEmpties) {
  YoungCount y;
  y.Add(300);
  EXPECT_EQ(y.TakeAll(), 300u);
  EXPECT_EQ(y.Load(), 0u);
  y.Add(5);
  y.Reset();
  EXPECT_EQ(y.Load(), 0u);
}

TEST(YoungCount, ConcurrentBatchesAreNotLost) {
  constexpr int kThreads = 8;
  constexpr int kIters = 20000;
  // Start above everything the subtracting threads can take away, whatever
  // the interleaving, so no subtraction clamps.
  constexpr uint64_t kStart = (kThreads / 2) * kIters * 200u + 1;
  YoungCount y;
  y.Add(kStart);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&y, t] {
      for (int i = 0; i < kIters; ++i) y.Add(t % 2 == 0 ? 256 : -200);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(y.Load(), kStart + (kThreads / 2) * kIters * (256u - 200u));
}

TEST(YoungCount, OwnsItsCacheLine) {
  EXPECT_EQ(alignof(YoungCount), 64u);
  EXPECT_EQ(sizeof(YoungCount), 64u);
}

}  // namespace
}  // namespace cyclegc::internal
