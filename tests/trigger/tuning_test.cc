// Tuning at run time (cgc_get_config, cgc_set_config, cgc_set_option): the
// same checks and messages as the environment, nothing changed on error, and
// threads that allocate cyclic garbage while the settings change.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

using ::testing::HasSubstr;

cgc_config Current() {
  cgc_config c;
  EXPECT_EQ(cgc_get_config(&c), CGC_OK) << cgc_last_error();
  return c;
}

TEST(Tuning, RefusedBeforeInit) {
  cgc_config c;
  EXPECT_EQ(cgc_get_config(&c), CGC_ESTATE);
  EXPECT_EQ(cgc_set_option("CYCLEGC_THRESHOLD", "10"), CGC_ESTATE);
  cgc_config_default(&c);
  EXPECT_EQ(cgc_set_config(&c), CGC_ESTATE);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_init"));
}

class TuningTest : public RuntimeTest {};

TEST_F(TuningTest, GetReturnsTheSettingsOfInit) {
  cgc_config c = Current();
  EXPECT_EQ(c.threshold, 0u);  // the fixture's
  EXPECT_EQ(c.trigger, CGC_TRIGGER_PRESSURE);
  EXPECT_EQ(c.apply_env, 0);
}

TEST_F(TuningTest, SetOptionParsesAsTheVariable) {
  ASSERT_EQ(cgc_set_option("CYCLEGC_TRIGGER", "count"), CGC_OK);
  ASSERT_EQ(cgc_set_option("CYCLEGC_THRESHOLD", "700"), CGC_OK);
  ASSERT_EQ(cgc_set_option("CYCLEGC_MEM_GROWTH", "25%"), CGC_OK);
  ASSERT_EQ(cgc_set_option("CYCLEGC_MEMORY_LIMIT", "512M"), CGC_OK);
  cgc_config c = Current();
  EXPECT_EQ(c.trigger, CGC_TRIGGER_COUNT);
  EXPECT_EQ(c.threshold, 700u);
  EXPECT_DOUBLE_EQ(c.mem_growth, 0.25);
  EXPECT_EQ(c.memory_limit, 512u << 20);
  cgc_stats s;
  cgc_get_stats(&s);
  EXPECT_STREQ(s.trigger_name, "count");
}

TEST_F(TuningTest, BadValueGetsTheVariablesMessageAndChangesNothing) {
  cgc_config before = Current();
  EXPECT_EQ(cgc_set_option("CYCLEGC_MEM_MIN", "4Q"), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("CYCLEGC_MEM_MIN=\"4Q\""));
  EXPECT_THAT(cgc_last_error(), HasSubstr("or auto"));
  EXPECT_EQ(cgc_set_option("CYCLEGC_TRIGGER", "heap"), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("pressure"));
  EXPECT_EQ(cgc_set_option("CYCLEGC_TRIGGER", ""), CGC_EINVAL);
  cgc_config after = Current();
  EXPECT_EQ(after.mem_min, before.mem_min);
  EXPECT_EQ(after.trigger, before.trigger);
}

TEST_F(TuningTest, UnknownSettingNamesTheKnownOnes) {
  EXPECT_EQ(cgc_set_option("CYCLEGC_THRESHHOLD", "5"), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("CYCLEGC_THRESHHOLD"));
  EXPECT_THAT(cgc_last_error(), HasSubstr("CYCLEGC_THRESHOLD"));
}

TEST_F(TuningTest, SetConfigChecksFieldsAsInitDoes) {
  cgc_config c = Current();
  c.mem_growth = -0.5;
  EXPECT_EQ(cgc_set_config(&c), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_config.mem_growth=-0.5"));
  EXPECT_EQ(Current().mem_growth, CGC_MEM_GROWTH_AUTO);
  c = Current();
  c.trigger = static_cast<cgc_trigger_kind>(42);
  EXPECT_EQ(cgc_set_config(&c), CGC_EINVAL);
  EXPECT_THAT(cgc_last_error(), HasSubstr("cgc_config.trigger=42"));
}

TEST_F(TuningTest, ThresholdTurnsAutomaticCollectionOnAndOff) {
  auto make_cycles = [](int n) {
    for (int i = 0; i < n; ++i) {
      Node* a = NewNode();
      a->next = Obj(a);  // a self-cycle: only the collector frees it
      cgc_safepoint();
    }
  };
  cgc_stats s;
  cgc_get_stats(&s);
  uint64_t before = s.collections;
  make_cycles(20000);  // threshold 0: never collected automatically
  cgc_get_stats(&s);
  EXPECT_EQ(s.collections, before);
  ASSERT_EQ(cgc_set_option("CYCLEGC_TRIGGER", "count"), CGC_OK);
  ASSERT_EQ(cgc_set_option("CYCLEGC_THRESHOLD", "1000"), CGC_OK);
  make_cycles(20000);
  cgc_get_stats(&s);
  EXPECT_GT(s.collections, before + 5);
}

TEST_F(TuningTest, ThreadsAllocateWhileSettingsChange) {
  std::atomic<bool> stop{false};
  std::atomic<int> destroyed{0};
  std::atomic<int> made{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      ASSERT_EQ(cgc_thread_attach(), 0) << cgc_last_error();
      while (!stop.load()) {
        Node* a = NewNode(&destroyed);
        Node* b = NewNode(&destroyed);
        a->next = Obj(b);
        b->next = Obj(a);
        cgc_incref(Obj(a));  // b's reference to a
        cgc_decref(Obj(a));
        made.fetch_add(2);
        void* payload = cgc_malloc(4096);
        cgc_free(payload);
        cgc_safepoint();
      }
      cgc_thread_detach();
    });
  }
  const char* policies[] = {"pressure", "count", "fullpages", "paced", "rss"};
  const char* thresholds[] = {"500", "0", "2000", "50"};
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(cgc_set_option("CYCLEGC_TRIGGER", policies[i % 5]), CGC_OK);
    ASSERT_EQ(cgc_set_option("CYCLEGC_THRESHOLD", thresholds[i % 4]), CGC_OK)
        << cgc_last_error();
    ASSERT_EQ(cgc_set_option("CYCLEGC_MEM_MIN", i % 2 ? "auto" : "256K"),
              CGC_OK);
    cgc_blocking_begin();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    cgc_blocking_end();
  }
  stop = true;
  cgc_blocking_begin();
  for (auto& th : threads) th.join();
  cgc_blocking_end();
  cgc_collect();
  EXPECT_EQ(destroyed.load(), made.load());
}

}  // namespace
}  // namespace cyclegc::testing
