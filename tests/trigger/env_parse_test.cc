#include "env_parse.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cyclegc::internal::env {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

MATCHER_P2(IsInvalidNaming, name, value, "") {
  return arg.status().code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(arg.status().message(), name) &&
         absl::StrContains(arg.status().message(),
                           std::string("\"") + value + "\"");
}

TEST(ParseUnsigned, AcceptsDecimalIntegersInRange) {
  EXPECT_EQ(*ParseUnsigned("V", "0", 0, 10), 0u);
  EXPECT_EQ(*ParseUnsigned("V", "10", 0, 10), 10u);
  EXPECT_EQ(*ParseUnsigned("V", " 7 ", 0, 10), 7u);
}

TEST(ParseUnsigned, RejectsMalformedNamingVariableAndValue) {
  for (const char* bad :
       {"", "-1", "+1", "1.5", "0x10", "1e3", "12abc", "abc"}) {
    auto r = ParseUnsigned("CYCLEGC_X", bad, 0, 100);
    EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_X", bad)) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("non-negative integer")) << bad;
  }
}

TEST(ParseUnsigned, RejectsOutOfRangeAndOverflow) {
  auto r = ParseUnsigned("CYCLEGC_X", "101", 0, 100);
  EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_X", "101"));
  EXPECT_THAT(r.status().message(), HasSubstr("[0, 100]"));
  EXPECT_FALSE(
      ParseUnsigned("V", "99999999999999999999999", 0, UINT64_MAX).ok());
  EXPECT_FALSE(ParseUnsigned("V", "1", 2, 5).ok());
}

TEST(ParseNumber, AcceptsIntegersAndDecimals) {
  EXPECT_DOUBLE_EQ(*ParseNumber("V", "40", 0, 100), 40.0);
  EXPECT_DOUBLE_EQ(*ParseNumber("V", "2.5", 0, 100), 2.5);
  EXPECT_DOUBLE_EQ(*ParseNumber("V", "0", 0, 100), 0.0);
}

TEST(ParseNumber, RejectsMalformedAndOutOfRange) {
  for (const char* bad :
       {"", "-1", ".5", "5.", "inf", "nan", "1e2", "4 0", "1.2.3"}) {
    EXPECT_THAT(ParseNumber("CYCLEGC_N", bad, 0, 100),
                IsInvalidNaming("CYCLEGC_N", bad))
        << bad;
  }
  auto r = ParseNumber("CYCLEGC_N", "100.5", 0, 100);
  EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_N", "100.5"));
  EXPECT_THAT(r.status().message(), HasSubstr("out of range"));
}

TEST(ParseFraction, AcceptsFractionsAndPercentages) {
  EXPECT_DOUBLE_EQ(*ParseFraction("V", "0.10", 0, 100), 0.10);
  EXPECT_DOUBLE_EQ(*ParseFraction("V", "10%", 0, 100), 0.10);
  EXPECT_DOUBLE_EQ(*ParseFraction("V", "12.5%", 0, 100), 0.125);
  EXPECT_DOUBLE_EQ(*ParseFraction("V", "2", 0, 100), 2.0);
  EXPECT_DOUBLE_EQ(*ParseFraction("V", "0%", 0, 100), 0.0);
}

TEST(ParseFraction, RejectsMalformedAndOutOfRange) {
  for (const char* bad :
       {"", "%", "ten", "-10%", "10%%", "0.1.0", "%10", "1e-1"}) {
    auto r = ParseFraction("CYCLEGC_MEM_GROWTH", bad, 0, 100);
    EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_MEM_GROWTH", bad)) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("percentage")) << bad;
  }
  auto r = ParseFraction("CYCLEGC_MEM_GROWTH", "10001%", 0, 100);
  EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_MEM_GROWTH", "10001%"));
  EXPECT_THAT(r.status().message(), HasSubstr("10000%"));
}

TEST(ParseByteSize, AcceptsUnitsCaseInsensitively) {
  EXPECT_EQ(*ParseByteSize("V", "4096", 0, UINT64_MAX), 4096u);
  EXPECT_EQ(*ParseByteSize("V", "4096B", 0, UINT64_MAX), 4096u);
  EXPECT_EQ(*ParseByteSize("V", "128K", 0, UINT64_MAX), 128u << 10);
  EXPECT_EQ(*ParseByteSize("V", "128k", 0, UINT64_MAX), 128u << 10);
  EXPECT_EQ(*ParseByteSize("V", "4M", 0, UINT64_MAX), 4u << 20);
  EXPECT_EQ(*ParseByteSize("V", "4MB", 0, UINT64_MAX), 4u << 20);
  EXPECT_EQ(*ParseByteSize("V", "4MiB", 0, UINT64_MAX), 4u << 20);
  EXPECT_EQ(*ParseByteSize("V", "512M", 0, UINT64_MAX), 512u << 20);
  EXPECT_EQ(*ParseByteSize("V", "2G", 0, UINT64_MAX), uint64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("V", "1T", 0, UINT64_MAX), uint64_t{1} << 40);
  EXPECT_EQ(*ParseByteSize("V", "0", 0, UINT64_MAX), 0u);
}

TEST(ParseByteSize, RejectsMalformed) {
  for (const char* bad :
       {"", "K", "4Q", "4 M", "-4M", "1.5M", "4iB", "4KK", "0x100", "M4"}) {
    auto r = ParseByteSize("CYCLEGC_MEM_MIN", bad, 0, UINT64_MAX);
    EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_MEM_MIN", bad)) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("128K or 4M")) << bad;
  }
}

TEST(ParseByteSize, RejectsOutOfRangeAndOverflow) {
  auto r = ParseByteSize("CYCLEGC_MEM_MIN", "2T", 0, uint64_t{1} << 40);
  EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_MEM_MIN", "2T"));
  EXPECT_THAT(r.status().message(), HasSubstr("[0, 1T]"));
  EXPECT_FALSE(ParseByteSize("V", "99999999999T", 0, UINT64_MAX).ok());
}

constexpr EnumName kColors[] = {{"red", 1}, {"green", 2}};

TEST(ParseEnum, AcceptsNamesCaseInsensitively) {
  EXPECT_EQ(*ParseEnum("V", "red", kColors), 1);
  EXPECT_EQ(*ParseEnum("V", " GREEN ", kColors), 2);
}

TEST(ParseEnum, RejectsUnknownListingChoices) {
  auto r = ParseEnum("CYCLEGC_COLOR", "blue", kColors);
  EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_COLOR", "blue"));
  EXPECT_THAT(r.status().message(), HasSubstr("red, green"));
}

TEST(ParseFlagList, CombinesFlags) {
  EXPECT_EQ(*ParseFlagList("V", "red", kColors), 1u);
  EXPECT_EQ(*ParseFlagList("V", "red,green", kColors), 3u);
  EXPECT_EQ(*ParseFlagList("V", " green , RED ", kColors), 3u);
  for (const char* off : {"", "0", "off", "none", "OFF"}) {
    EXPECT_EQ(*ParseFlagList("V", off, kColors), 0u) << off;
  }
}

TEST(ParseFlagList, RejectsUnknownAndEmptyItems) {
  for (const char* bad : {"blue", "red,blue", "red,,green", "red,", "1"}) {
    auto r = ParseFlagList("CYCLEGC_DEBUG", bad, kColors);
    EXPECT_THAT(r, IsInvalidNaming("CYCLEGC_DEBUG", bad)) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("comma-separated")) << bad;
  }
}

TEST(FormatByteSize, UsesLargestExactUnit) {
  EXPECT_EQ(FormatByteSize(0), "0");
  EXPECT_EQ(FormatByteSize(1000), "1000");
  EXPECT_EQ(FormatByteSize(128 << 10), "128K");
  EXPECT_EQ(FormatByteSize(uint64_t{3} << 30), "3G");
}

}  // namespace
}  // namespace cyclegc::internal::env
