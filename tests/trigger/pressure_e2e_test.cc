// The pressure policy in a real runtime: payload bytes start a collection
// with few young objects, but never from inside a blocking bracket.
#include <cstdint>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"

namespace {

uint64_t Collections() {
  cgc_stats s;
  EXPECT_EQ(cgc_get_stats(&s), CGC_OK);
  return s.collections;
}

class PressureE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cgc_config c;
    cgc_config_default(&c);
    c.trigger = CGC_TRIGGER_PRESSURE;
    ASSERT_EQ(cgc_init(&c), CGC_OK) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }
};

// 64 KiB blocks kept alive, so that their pages stay full.
TEST_F(PressureE2eTest, PayloadBytesStartACollection) {
  const uint64_t before = Collections();
  void* kept[64];
  for (void*& p : kept) p = cgc_malloc(64 * 1024);  // 4 MiB > the 2 MiB goal
  EXPECT_GT(Collections(), before);
  for (void* p : kept) cgc_free(p);
}

TEST_F(PressureE2eTest, NoCollectionFromInsideABracket) {
  const uint64_t before = Collections();
  void* kept[64];
  cgc_blocking_begin();
  for (void*& p : kept) p = cgc_malloc(64 * 1024);
  cgc_blocking_end();
  EXPECT_EQ(Collections(), before);
  void* one = cgc_malloc(64);  // outside: the counted bytes decide now
  EXPECT_GT(Collections(), before);
  cgc_free(one);
  for (void* p : kept) cgc_free(p);
}

}  // namespace
