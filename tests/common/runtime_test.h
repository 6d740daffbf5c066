// The fixture most tests share: a runtime per test with automatic collection
// off (threshold 0), so each test decides when to collect.
#ifndef CYCLEGC_TESTS_COMMON_RUNTIME_TEST_H_
#define CYCLEGC_TESTS_COMMON_RUNTIME_TEST_H_

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"

namespace cyclegc::testing {

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cgc_config config;
    cgc_config_default(&config);
    config.threshold = 0;  // no automatic collection: tests decide
    ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }
};

}  // namespace cyclegc::testing

#endif  // CYCLEGC_TESTS_COMMON_RUNTIME_TEST_H_
