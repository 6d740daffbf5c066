#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "block_size.h"
#include "format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pause_log.h"
#include "point_result.h"
#include "report.h"

namespace cyclotron {
namespace {

using ::testing::HasSubstr;

PointResult Sample(const std::string& policy, int64_t rss, double t) {
  PointResult r;
  r.point.cycle = 10;
  r.point.extra = 100000;
  r.point.live = 100;
  r.policy = policy;
  r.rss_peak = rss;
  r.t_target_s = t;
  r.trash_max = 8000;
  r.pause_max_ms = 2.5;
  r.trash_stable = true;
  return r;
}

ComparedPoint Row(const PointResult& b, const PointResult& n) {
  ComparedPoint p;
  p.base = b;
  p.next = n;
  return p;
}

TEST(ResultFormat, RoundTripsEveryField) {
  PointResult r = Sample("rss", 123456789, 1.25);
  r.point.wl = "tree";
  r.point.cyc = 40;
  r.threads = 2;
  r.collections = 17;
  r.deferred = 300;
  r.pause_p99_ms = 1.5;
  r.trash_after_collect = 0;
  r.rss_stable = true;
  r.error = "two\nlines";
  absl::StatusOr<PointResult> back = ParseResult(SerializeResult(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->point.wl, "tree");
  EXPECT_EQ(back->point.cyc, 40);
  EXPECT_EQ(back->threads, 2);
  EXPECT_EQ(back->rss_peak, 123456789);
  EXPECT_DOUBLE_EQ(back->t_target_s, 1.25);
  EXPECT_EQ(back->deferred, 300);
  EXPECT_DOUBLE_EQ(back->pause_p99_ms, 1.5);
  EXPECT_TRUE(back->rss_stable);
  EXPECT_EQ(back->error, "two lines");
}

TEST(ResultFormat, MissingOrBadFieldIsAnError) {
  EXPECT_THAT(ParseResult("wl=chain\n").status().message(), HasSubstr("lacks"));
  std::string text = SerializeResult(Sample("rss", 1, 1));
  text.replace(text.find("rss_peak=1"), 10, "rss_peak=x");
  EXPECT_THAT(ParseResult(text).status().message(), HasSubstr("rss_peak"));
}

TEST(Format, HumanNumbers) {
  EXPECT_EQ(HumanCount(100), "100");
  EXPECT_EQ(HumanCount(10000), "10.0k");
  EXPECT_EQ(HumanBytes(39.0 * 1024 * 1024), "39M");
  EXPECT_EQ(HumanBytes(6800), "7K");
  EXPECT_EQ(HumanBytes(1.9 * 1024 * 1024 * 1024), "1.9G");
  EXPECT_EQ(HumanTrash(14000), "14k");
  EXPECT_EQ(Ratio(1, 4), "0.25");
  EXPECT_EQ(Ratio(1, 0), "-");
}

TEST(BlockSize, FollowsMimallocSizeClasses) {
  EXPECT_EQ(BlockBytes(0), 0);
  EXPECT_EQ(BlockBytes(1), 8);
  EXPECT_EQ(BlockBytes(56), 56);
  EXPECT_EQ(BlockBytes(64), 64);
  EXPECT_EQ(BlockBytes(65), 80);  // four classes per power of two above 64
  EXPECT_EQ(BlockBytes(129), 160);
  EXPECT_EQ(BlockBytes(10000), 10240);
  EXPECT_EQ(BlockBytes(128 * 1024), 128 * 1024);
  EXPECT_EQ(BlockBytes(300000), 303104);  // a page of its own, 4 KiB steps
}

TEST(Report, CompareTableShowsRatiosAndMovesUniformColumns) {
  std::vector<ComparedPoint> rows = {
      Row(Sample("rss", 1000 << 20, 2.0), Sample("fullpages", 100 << 20, 2.1))};
  const std::string t = FormatCompareTable("rss", "fullpages", 1, rows);
  EXPECT_THAT(t, HasSubstr("base=rss vs new=fullpages (threads=1)"));
  EXPECT_THAT(t, HasSubstr("r-rss"));
  EXPECT_THAT(t, HasSubstr("0.10"));  // r-rss
  EXPECT_THAT(t, HasSubstr("1.05"));  // r-t
  EXPECT_THAT(t, HasSubstr("Uniform columns omitted: wl: chain, cyc%: 100"));
  const std::string csv = CompareCsv("rss", "fullpages", 1, rows);
  EXPECT_THAT(csv, HasSubstr("base,new,threads,wl,cycle,extra,live,cyc"));
  EXPECT_THAT(csv, HasSubstr(",0.1000,"));
  const std::string json = CompareJson("rss", "fullpages", 1, rows);
  EXPECT_THAT(json, HasSubstr("\"ratios\": {\"t\": 1.05, \"rss\": 0.1"));
}

TEST(Report, FailedRunIsMarked) {
  PointResult bad = Sample("fullpages", 1, 1);
  bad.error = "child killed by signal 9";
  bad.error = "child killed by signal 9\nlast log line, \"quoted\"";
  std::vector<ComparedPoint> rows = {Row(Sample("rss", 1, 1), bad)};
  const std::string t = FormatCompareTable("rss", "fullpages", 1, rows);
  EXPECT_THAT(t, HasSubstr("FAIL"));
  EXPECT_THAT(t, HasSubstr("child killed by signal 9"));
  // RFC 4180: the error cell is quoted, its quotes doubled, its line break
  // kept inside the quotes.
  const std::string csv = CompareCsv("rss", "fullpages", 1, rows);
  EXPECT_THAT(csv, HasSubstr(",\"child killed by signal 9\nlast log line, "
                             "\"\"quoted\"\"\","));
}

TEST(Report, RunRowShowsTheLiveSetAndEveryPauseFigure) {
  PointResult r = Sample("fullpages", 36 << 20, 0.9);
  r.point.wl = "queue";
  r.live_bytes = 10 << 20;
  r.pause_mean_ms = 0.25;
  r.pause_p50_ms = 0.125;
  r.pause_p95_ms = 0.5;
  r.pause_p99_ms = 1.5;
  r.pause_max_ms = 2.5;
  r.pause_total_ms = 250;
  const std::string row = FormatRunRow(r, true);
  EXPECT_THAT(row, HasSubstr("liveset"));
  EXPECT_THAT(row, HasSubstr("10M"));
  EXPECT_THAT(row, HasSubstr("queue     -"));  // no cycle length
  EXPECT_THAT(row, HasSubstr("mean=0.250 p50=0.125 p95=0.500 p99=1.500 "
                             "max=2.500 total=250.0"));
}

TEST(PauseLog, MaxAndP99FromStopEvents) {
  PauseLog log;
  cgc_event e{};
  e.kind = CGC_EVENT_START;
  e.pause_ns = 999000000;  // START events carry no pause: ignored
  log.OnEvent(e);
  e.kind = CGC_EVENT_STOP;
  for (int i = 1; i <= 100; ++i) {
    e.pause_ns = static_cast<uint64_t>(i) * 1000000;
    log.OnEvent(e);
  }
  const PauseLog::Summary s = log.Summarize();
  EXPECT_EQ(s.stops, 100);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);  // exact
  EXPECT_GE(s.p99_ms, 99);          // the bucket's upper bound: 3.1% wide
  EXPECT_LE(s.p99_ms, 99 * (1 + 1.0 / 32));
  EXPECT_DOUBLE_EQ(s.total_ms, 5050);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
  EXPECT_GE(s.p50_ms, 50);
  EXPECT_LE(s.p50_ms, 50 * (1 + 1.0 / 32));
  EXPECT_GE(s.p95_ms, 95);
  EXPECT_LE(s.p95_ms, 95 * (1 + 1.0 / 32));
}

TEST(LogLinearHistogram, BucketsCoverEveryValueWithinOneThirtySecond) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    const int b = LogLinearHistogram::BucketOf(v);
    ASSERT_GE(b, 0);
    ASSERT_LT(b, LogLinearHistogram::kBuckets);
    const uint64_t upper = LogLinearHistogram::BucketUpper(b);
    ASSERT_GE(upper, v);
    ASSERT_LE(static_cast<double>(upper - v),
              static_cast<double>(v) / LogLinearHistogram::kSub)
        << v;
    ASSERT_EQ(LogLinearHistogram::BucketOf(upper), b) << v;
    if (b + 1 < LogLinearHistogram::kBuckets) {
      ASSERT_EQ(LogLinearHistogram::BucketOf(upper + 1), b + 1) << v;
    }
  }
  EXPECT_EQ(LogLinearHistogram::BucketOf(UINT64_MAX),
            LogLinearHistogram::kBuckets - 1);
}

TEST(LogLinearHistogram, SmallValuesAndNearestRankAreExact) {
  LogLinearHistogram h;
  EXPECT_EQ(h.Percentile(99), 0u);  // empty
  for (uint64_t v = 1; v <= 20; ++v) h.Add(v);
  EXPECT_EQ(h.count(), 20u);
  EXPECT_EQ(h.max(), 20u);
  EXPECT_EQ(h.Percentile(50), 10u);
  EXPECT_EQ(h.Percentile(99), 20u);
  EXPECT_EQ(h.Percentile(0), 1u);
  // A large outlier: the top percentile is capped at the exact maximum.
  h.Add(1000003);
  EXPECT_EQ(h.Percentile(100), 1000003u);
  EXPECT_EQ(h.Percentile(95), 20u);
}

TEST(MedianOfRuns, TakesEachMetricsMiddleValue) {
  std::vector<PointResult> runs = {Sample("count", 195, 3.0),
                                   Sample("count", 165, 5.0),
                                   Sample("count", 170, 4.0)};
  runs[0].trash_max = 5000;
  runs[1].trash_max = 7000;
  runs[2].trash_max = 6000;
  PointResult m = MedianOfRuns(runs);
  EXPECT_EQ(m.runs, 3);
  EXPECT_EQ(m.policy, "count");
  EXPECT_EQ(m.rss_peak, 170);  // not the run with the median time
  EXPECT_DOUBLE_EQ(m.t_target_s, 4.0);
  EXPECT_EQ(m.trash_max, 6000);
  EXPECT_TRUE(m.trash_stable);
  // Even counts take the lower middle value.
  runs.pop_back();
  EXPECT_EQ(MedianOfRuns(runs).rss_peak, 165);
}

TEST(MedianOfRuns, OneUnstableRunMakesItUnstableAndAFailureWins) {
  std::vector<PointResult> runs = {Sample("rss", 1, 1), Sample("rss", 2, 2)};
  runs[1].trash_stable = false;
  EXPECT_FALSE(MedianOfRuns(runs).trash_stable);
  runs[0].error = "child killed by signal 9";
  EXPECT_EQ(MedianOfRuns(runs).error, "child killed by signal 9");
  EXPECT_FALSE(MedianOfRuns({}).error.empty());
}

TEST(MedianOfRuns, TableSaysHowManyRuns) {
  PointResult b = Sample("count", 100, 1), n = Sample("fullpages", 100, 1);
  b.runs = n.runs = 3;
  EXPECT_THAT(FormatCompareTable("count", "fullpages", 2, {Row(b, n)}),
              HasSubstr("(threads=2, median of 3 runs)"));
  b.runs = n.runs = 1;
  EXPECT_THAT(FormatCompareTable("count", "fullpages", 2, {Row(b, n)}),
              HasSubstr("(threads=2)\n"));
}

}  // namespace
}  // namespace cyclotron
