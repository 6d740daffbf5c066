// The stall report: a stop held up by a thread that neither polls nor sits in
// a blocking bracket is reported once on stderr; the stop keeps waiting.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "config.h"
#include "gmock/gmock.h"
#include "runtime_fixture.h"

namespace cyclegc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class StallReportTest : public ::testing::Test {
 protected:
  void Init(unsigned stall_report_ms) {
    cgc_config config;
    cgc_config_default(&config);
    config.threshold = 0;
    config.stall_report_ms = stall_report_ms;
    ASSERT_EQ(cgc_init(&config), 0) << cgc_last_error();
  }
  void TearDown() override { cgc_shutdown(); }

  // Collects while an attached thread named "stall-sleeper" sleeps for
  // `sleep_ms` outside a bracket (or inside one); returns stderr and sets the
  // sleeper's OS thread id.
  std::string CollectPastASleeper(int sleep_ms, bool bracketed, pid_t* tid) {
    std::atomic<bool> asleep{false};
    std::atomic<pid_t> sleeper_tid{0};
    std::thread t([&] {
      ASSERT_EQ(cgc_thread_attach(), 0);
      pthread_setname_np(pthread_self(), "stall-sleeper");
      sleeper_tid.store(gettid());
      if (bracketed) cgc_blocking_begin();
      asleep.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      if (bracketed) cgc_blocking_end();
      cgc_safepoint();
      cgc_thread_detach();
    });
    while (!asleep.load()) std::this_thread::yield();
    ::testing::internal::CaptureStderr();
    cgc_collect();  // waits for the sleeper to reach its safepoint
    std::string err = ::testing::internal::GetCapturedStderr();
    cgc_blocking_begin();
    t.join();
    cgc_blocking_end();
    *tid = sleeper_tid.load();
    return err;
  }
};

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST_F(StallReportTest, NamesTheThreadOnceAndKeepsWaiting) {
  Init(/*stall_report_ms=*/50);
  pid_t tid = 0;
  const auto start = std::chrono::steady_clock::now();
  std::string err = CollectPastASleeper(400, /*bracketed=*/false, &tid);
  // The stop waited the sleeper out: the report is no timeout.
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(350));
  EXPECT_THAT(err,
              HasSubstr(absl::StrCat("thread ", tid, " \"stall-sleeper\"")));
  EXPECT_THAT(err, HasSubstr("safepoint or a blocking bracket"));
  EXPECT_THAT(err, HasSubstr("cgc_blocking_begin()/cgc_blocking_end()"));
  // Once per stop, although the stop waited 8 times the delay.
  EXPECT_EQ(Count(err, "cyclegc: stall: a collection has waited"), 1) << err;
  EXPECT_EQ(Count(err, "cyclegc: stall: bracket blocking calls"), 1) << err;
}

TEST_F(StallReportTest, ABracketedSleeperIsNotReported) {
  Init(/*stall_report_ms=*/50);
  pid_t tid = 0;
  EXPECT_THAT(CollectPastASleeper(200, /*bracketed=*/true, &tid), IsEmpty());
}

TEST_F(StallReportTest, ZeroTurnsItOff) {
  Init(/*stall_report_ms=*/0);
  pid_t tid = 0;
  EXPECT_THAT(CollectPastASleeper(200, /*bracketed=*/false, &tid), IsEmpty());
}

TEST_F(StallReportTest, ShortStallsAreNotReported) {
  Init(/*stall_report_ms=*/2000);
  pid_t tid = 0;
  EXPECT_THAT(CollectPastASleeper(100, /*bracketed=*/false, &tid), IsEmpty());
}

TEST(StallReportConfigTest, DefaultIsOneSecond) {
  cgc_config config;
  cgc_config_default(&config);
  EXPECT_EQ(config.stall_report_ms, 1000u);
  EXPECT_EQ(internal::Config{}.stall_report_ms, 1000u);
}

absl::StatusOr<internal::Config> LoadWith(const char* value) {
  return internal::LoadConfigFrom(nullptr, [value](const char* name) {
    return std::string(name) == "CYCLEGC_STALL_REPORT" ? value : nullptr;
  });
}

TEST(StallReportConfigTest, VariableTakesMillisecondsOrSeconds) {
  const std::pair<const char*, uint64_t> cases[] = {
      {"250", 250}, {"250ms", 250}, {" 1.5s ", 1500},  {"2S", 2000},
      {"0", 0},     {"off", 0},     {"3600s", 3600000}};
  for (const auto& [text, ms] : cases) {
    auto c = LoadWith(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.status();
    EXPECT_EQ(c->stall_report_ms, ms) << text;
  }
}

TEST(StallReportConfigTest, BadValuesNameTheVariable) {
  for (const char* text : {"1h", "-5", "fast", "1.5.2s", "3601s", "ms"}) {
    auto c = LoadWith(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_THAT(c.status().message(),
                HasSubstr(absl::StrCat("CYCLEGC_STALL_REPORT=\"", text, "\"")));
    EXPECT_THAT(c.status().message(), HasSubstr("duration"));
  }
}

TEST(StallReportConfigTest, FieldOutOfRangeIsRejected) {
  cgc_config config;
  cgc_config_default(&config);
  config.stall_report_ms = 3'600'001;
  auto c = internal::LoadConfigFrom(
      &config, [](const char*) { return static_cast<const char*>(nullptr); });
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("cgc_config.stall_report_ms"));
}

}  // namespace
}  // namespace cyclegc::testing
