#include "memory_source.h"

#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace cyclegc::internal {
namespace {

TEST(ParseStatm, ReadsResidentPages) {
  EXPECT_EQ(*ParseStatmResidentPages("2345 678 90 1 0 500 0\n"), 678u);
  EXPECT_FALSE(ParseStatmResidentPages("").ok());
  EXPECT_FALSE(ParseStatmResidentPages("12\n").ok());
}

TEST(ParseStatus, ReadsVmSwapInBytes) {
  const char* status =
      "Name:\tx\nVmRSS:\t  1000 kB\nVmSwap:\t    12 kB\nThreads:\t1\n";
  EXPECT_EQ(*ParseStatusSwapBytes(status), 12u * 1024);
  EXPECT_EQ(*ParseStatusSwapBytes("Name:\tx\nVmRSS:\t 1 kB\n"), 0u);
  EXPECT_FALSE(ParseStatusSwapBytes("Name:\tx\nVmSwap:\tlots\n").ok());
}

TEST(SystemMemorySource, RssFollowsTouchedMemory) {
  SystemMemorySource mem;
  absl::StatusOr<size_t> before = mem.ProcessRssAndSwap();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GT(*before, 0u);
  // Touch 64 MB so that RSS must grow by most of it.
  std::vector<char> block(64 << 20);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
  absl::StatusOr<size_t> after = mem.ProcessRssAndSwap();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before + (32u << 20));
}

TEST(SystemMemorySource, ExternalPressureClampsAtZero) {
  SystemMemorySource mem;
  mem.AddExternal(1000);
  mem.AddExternal(500);
  EXPECT_EQ(mem.ExternalBytes(), 1500u);
  mem.AddExternal(-2000);
  EXPECT_EQ(mem.ExternalBytes(), 0u);
}

TEST(SystemMemorySource, ExternalPressureSaturatesInsteadOfOverflowing) {
  SystemMemorySource mem;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  mem.AddExternal(kMax);
  mem.AddExternal(kMax);  // would overflow int64: stays at the maximum
  EXPECT_EQ(mem.ExternalBytes(), static_cast<size_t>(kMax));
  mem.AddExternal(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(mem.ExternalBytes(), 0u);
  mem.AddExternal(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(mem.ExternalBytes(), 0u);
}

}  // namespace
}  // namespace cyclegc::internal
