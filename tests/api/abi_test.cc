// The struct-size scheme and the error returns, as a program built against the
// installed header sees them: linked to libcyclegc.so, public API only.
#include <atomic>
#include <cstddef>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cyclegc/cyclegc.h"
#include "gtest/gtest.h"
#include "runtime_test.h"

namespace {

bool ErrorHas(const char* what) {
  return std::string(cgc_last_error()).find(what) != std::string::npos;
}

// What a program built against the first versioned header (0.2 without the
// fields appended since) passes: the config up to apply_env.
constexpr size_t kOldConfigSize = offsetof(cgc_config, cycle_samples);
constexpr size_t kOldStatsSize = offsetof(cgc_stats, collections_failed);

TEST(AbiTest, AnOlderSmallerConfigIsAccepted) {
  cgc_config config;
  std::memset(&config, 0xAB, sizeof(config));  // the library must not read it
  ASSERT_EQ(cgc_config_default_sized_(&config, kOldConfigSize), CGC_OK);
  EXPECT_EQ(config.size, kOldConfigSize);
  config.threshold = 0;
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  EXPECT_EQ(cgc_shutdown(), CGC_OK);
}

TEST(AbiTest, AnUninitialisedConfigSizeIsRejectedByName) {
  cgc_config config{};  // size 0: built by hand, not with cgc_config_default
  config.threshold = 0;
  EXPECT_EQ(cgc_init(&config), CGC_EINVAL);
  EXPECT_TRUE(ErrorHas("cgc_init: cgc_config.size=0"));
  EXPECT_TRUE(ErrorHas("cgc_config_default()"));
  cgc_config_default(&config);
  config.size = kOldConfigSize - 1;
  EXPECT_EQ(cgc_init(&config), CGC_EINVAL);
  EXPECT_EQ(cgc_config_default_sized_(&config, 4), CGC_EINVAL);
  EXPECT_TRUE(ErrorHas("size 4 is smaller"));
}

// A program built against a newer header: known fields are honoured, unknown
// ones must be zero (their meaning cannot be applied).
TEST(AbiTest, ANewerLargerConfigNeedsItsUnknownFieldsZero) {
  struct NewerConfig {
    cgc_config known;
    uint64_t added_later;
  } newer;
  ASSERT_EQ(cgc_config_default_sized_(&newer.known, sizeof(newer)), CGC_OK);
  EXPECT_EQ(newer.added_later, 0u);
  newer.known.threshold = 0;
  newer.added_later = 7;
  EXPECT_EQ(cgc_init(&newer.known), CGC_EINVAL);
  EXPECT_TRUE(ErrorHas("newer cyclegc.h")) << cgc_last_error();
  newer.added_later = 0;
  ASSERT_EQ(cgc_init(&newer.known), CGC_OK) << cgc_last_error();
  EXPECT_EQ(cgc_shutdown(), CGC_OK);
}

class AbiRuntimeTest : public cyclegc::testing::RuntimeTest {};

TEST_F(AbiRuntimeTest, StatsFillOnlyWhatTheCallersLayoutHolds) {
  unsigned char buf[sizeof(cgc_stats) + 16];
  std::memset(buf, 0xAB, sizeof(buf));
  auto* old_stats = reinterpret_cast<cgc_stats*>(buf);
  ASSERT_EQ(cgc_get_stats_sized_(old_stats, kOldStatsSize), CGC_OK);
  EXPECT_EQ(old_stats->size, kOldStatsSize);
  EXPECT_FALSE(CGC_HAS_FIELD(cgc_stats, old_stats, collections_failed));
  for (size_t i = kOldStatsSize; i < sizeof(buf); ++i) {
    ASSERT_EQ(buf[i], 0xAB) << "byte " << i << " written past the struct";
  }
  cgc_stats now;
  ASSERT_EQ(cgc_get_stats(&now), CGC_OK);
  EXPECT_EQ(now.size, sizeof(cgc_stats));
  EXPECT_TRUE(CGC_HAS_FIELD(cgc_stats, &now, collections_failed));
  EXPECT_EQ(now.collections_failed, 0u);
  EXPECT_EQ(cgc_get_stats_sized_(old_stats, 8), CGC_EINVAL);
  EXPECT_TRUE(ErrorHas("cgc_get_stats: size 8"));
}

int NoRefs(cgc_object*, cgc_visit_fn, void*) { return 0; }

TEST_F(AbiRuntimeTest, ATypeWithoutItsSizeIsRejectedByAlloc) {
  static const cgc_type unsized = {0,       "Unsized", NoRefs,
                                   nullptr, nullptr,   nullptr};
  EXPECT_EQ(cgc_alloc(&unsized, sizeof(cgc_object)), nullptr);
  EXPECT_TRUE(ErrorHas("cgc_alloc: cgc_type.size=0")) << cgc_last_error();
  EXPECT_TRUE(ErrorHas(".size = sizeof(cgc_type)"));
  static const cgc_type sized = {sizeof(cgc_type), "Sized", NoRefs,
                                 nullptr,          nullptr, nullptr};
  cgc_object* o = cgc_alloc(&sized, sizeof(cgc_object));
  ASSERT_NE(o, nullptr) << cgc_last_error();
  cgc_decref(o);
}

std::vector<cgc_event> g_events;
int g_inner_rc = 1;
void Record(const cgc_event* e, void*) {
  g_events.push_back(*e);
  if (e->kind == CGC_EVENT_START) g_inner_rc = cgc_collect_ex(nullptr);
}

TEST_F(AbiRuntimeTest, EventsCarryTheirSizeAndStatus) {
  g_events.clear();
  ASSERT_EQ(cgc_callback_add(&Record, nullptr), CGC_OK);
  size_t freed = 99;
  EXPECT_EQ(cgc_collect_ex(&freed), CGC_OK);
  EXPECT_EQ(freed, 0u);
  ASSERT_EQ(cgc_callback_remove(&Record, nullptr), CGC_OK);
  ASSERT_EQ(g_events.size(), 2u);
  EXPECT_EQ(g_events[1].size, sizeof(cgc_event));
  EXPECT_TRUE(CGC_HAS_FIELD(cgc_event, &g_events[1], status));
  EXPECT_EQ(g_events[1].status, CGC_OK);
  // Asked for from inside the collection (an event callback): refused.
  EXPECT_EQ(g_inner_rc, CGC_ESTATE);
}

TEST_F(AbiRuntimeTest, CollectExReportsWhatCollectCannot) {
  int rc = 1;
  size_t freed = 99;
  std::thread([&] { rc = cgc_collect_ex(&freed); }).join();  // not attached
  EXPECT_EQ(rc, CGC_ESTATE);
  EXPECT_EQ(freed, 0u);
}

TEST(AbiShutdownTest, ShutdownReportsWhyItRefused) {
  EXPECT_EQ(cgc_shutdown(), CGC_ESTATE);
  EXPECT_TRUE(ErrorHas("cgc_shutdown: not initialised"));
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  std::thread other;
  std::atomic<bool> attached{false};
  std::atomic<int> step{0};
  other = std::thread([&] {
    attached = cgc_thread_attach() == CGC_OK;
    step = 1;
    while (step.load() != 2) std::this_thread::yield();
    cgc_thread_detach();
  });
  while (step.load() != 1) std::this_thread::yield();
  ASSERT_TRUE(attached);
  EXPECT_EQ(cgc_shutdown(), CGC_ESTATE);
  EXPECT_TRUE(ErrorHas("other thread(s) still attached"));
  step = 2;
  other.join();
  EXPECT_EQ(cgc_shutdown(), CGC_OK);
}

TEST(AbiLogTest, TheLogSinkReceivesTheDebugLinesInsteadOfStderr) {
  std::vector<std::string> lines;
  cgc_set_log_sink(
      [](int level, const char* line, void* arg) {
        EXPECT_EQ(level, CGC_LOG_INFO);
        static_cast<std::vector<std::string>*>(arg)->push_back(line);
      },
      &lines);
  cgc_config config;
  cgc_config_default(&config);
  config.threshold = 0;
  config.debug = CGC_DEBUG_STATS;
  ASSERT_EQ(cgc_init(&config), CGC_OK) << cgc_last_error();
  cgc_collect();
  EXPECT_EQ(cgc_shutdown(), CGC_OK);
  cgc_set_log_sink(nullptr, nullptr);
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("cyclegc: gc #1 reason=explicit", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
}

}  // namespace
