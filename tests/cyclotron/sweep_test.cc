// Saved results read back: the sweep file, the tables of `report` and
// `compare-files`, the settings `--resume` checks, and the formats under them.
#include "sweep.h"

#include <cstdio>
#include <string>

#include "csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "json.h"
#include "outcomes.h"

namespace cyclotron {
namespace {

using ::testing::HasSubstr;

PointResult Result(const PointSpec& p, const std::string& policy, double t,
                   int64_t rss) {
  PointResult r;
  r.point = p;
  r.policy = policy;
  r.t_target_s = t;
  r.rss_peak = rss;
  r.trash_max = 1000;
  r.trash_stable = true;
  r.live_bytes = 10 << 20;
  return r;
}

// The default grid, run by count (base) and fullpages (new) with a ceiling,
// each point twice; the second point's fullpages runs never finished.
Sweep DefaultSweep() {
  Sweep s;
  s.meta.grid = *GetGrid("default");
  s.meta.repeats = 2;
  s.meta.new_policy = "fullpages";
  s.meta.bases = {"count"};
  s.meta.ceiling = true;
  s.meta.date = "2026-12-01T10:00:00Z";
  s.meta.commit = "0123456789012345678901234567890123456789";
  s.meta.cores = 2;
  s.meta.env = {{"CYCLEGC_THRESHOLD", "2000"}, {"MIMALLOC_PURGE_DELAY", "0"}};
  for (int i = 0; i < static_cast<int>(s.meta.grid.points.size()); ++i) {
    const PointSpec& p = s.meta.grid.points[static_cast<size_t>(i)];
    for (int rep = 1; rep <= 2; ++rep) {
      s.runs.push_back({i, "count", rep, false, "series/x.csv",
                        Result(p, "count", 2.0 * rep, 100 << 20)});
      if (i == 1) continue;
      s.runs.push_back({i, "fullpages", rep, false, "series/y.csv",
                        Result(p, "fullpages", 1.0 * rep, 20 << 20)});
      PointSpec zero = p;
      zero.cyc = 0;
      s.runs.push_back({i, "fullpages", rep, true, "series/z.csv",
                        Result(zero, "fullpages", 0.5, 10 << 20)});
    }
  }
  s.runs[0].result.error =
      "child timed out after 5s\nlog line, with \"quotes\"";
  return s;
}

TEST(Sweep, RoundTripsThroughItsFile) {
  const Sweep s = DefaultSweep();
  absl::StatusOr<Sweep> back = ParseSweep(SweepJson(s));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(SweepJson(*back), SweepJson(s));
  EXPECT_EQ(back->meta.env.at("MIMALLOC_PURGE_DELAY"), "0");
  EXPECT_EQ(back->meta.grid.objects_by_wl.at("queue"), 1000000);
  EXPECT_EQ(back->runs[0].result.error, s.runs[0].result.error);
  EXPECT_EQ(back->runs.size(), s.runs.size());
  EXPECT_EQ(SettingsDiffer(back->meta, s.meta), "");
}

TEST(Sweep, SaveWritesTheFileAndThePlotList) {
  const std::string stem = ::testing::TempDir() + "/sweep_default_t1";
  ASSERT_TRUE(SaveSweep(DefaultSweep(), stem).ok());
  absl::StatusOr<Sweep> back = LoadSweep(stem + ".json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->runs.size(), DefaultSweep().runs.size());
  FILE* f = std::fopen((stem + ".runs.csv").c_str(), "r");
  ASSERT_NE(f, nullptr);
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof line, f), nullptr);
  std::fclose(f);
  EXPECT_THAT(std::string(line), HasSubstr("policy,repeat,ceiling,series"));
  EXPECT_TRUE(absl::IsNotFound(LoadSweep(stem + ".missing").status()));
}

TEST(Sweep, BadFilesSayWhatIsWrong) {
  EXPECT_THAT(ParseSweep("{\"runs\": []}").status().message(),
              HasSubstr("not a cyclotron sweep"));
  EXPECT_THAT(
      ParseSweep("{\"cyclotron_sweep\": 1, \"meta\": {}}").status().message(),
      HasSubstr("meta lacks a number"));
  EXPECT_THAT(ParseSweep("{\"cyclotron_sweep\": 1,").status().message(),
              HasSubstr("offset"));
}

TEST(Sweep, ResumeNeedsTheSameSettings) {
  const Sweep s = DefaultSweep();
  SweepMeta now = s.meta;
  now.date = "later";  // where and when may differ
  now.commit = "other";
  EXPECT_EQ(SettingsDiffer(s.meta, now), "");
  now.repeats = 3;
  EXPECT_THAT(SettingsDiffer(s.meta, now),
              HasSubstr("repeats: 2 saved, 3 now"));
  now = s.meta;
  now.env["CYCLEGC_THRESHOLD"] = "500";
  EXPECT_THAT(SettingsDiffer(s.meta, now), HasSubstr("CYCLEGC_THRESHOLD=500"));
  now = s.meta;
  now.grid.max_s = 99;
  EXPECT_THAT(SettingsDiffer(s.meta, now), HasSubstr("run lengths"));
}

TEST(Outcomes, ReportTablesFromTheDefaultGridsSavedFile) {
  absl::StatusOr<Sweep> s = ParseSweep(SweepJson(DefaultSweep()));
  ASSERT_TRUE(s.ok());
  const std::vector<CompareOutcome> o = SweepOutcomes(*s);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].base, "count");
  EXPECT_EQ(o[0].next, "fullpages");
  ASSERT_EQ(o[0].rows.size(), GetGrid("default")->points.size());
  const ComparedPoint& row = o[0].rows[2];
  EXPECT_EQ(row.base.runs, 2);
  EXPECT_DOUBLE_EQ(row.base.t_target_s, 2.0);  // lower middle of 2 and 4
  EXPECT_DOUBLE_EQ(row.next.t_target_s, 1.0);
  EXPECT_TRUE(row.has_ceiling);
  EXPECT_EQ(row.ceiling.point.cyc, 0);
  EXPECT_THAT(o[0].rows[1].next.error, HasSubstr("not run"));
  EXPECT_THAT(o[0].rows[0].base.error, HasSubstr("timed out"));
  const std::string table =
      FormatCompareTable(o[0].base, o[0].next, o[0].threads, o[0].rows);
  EXPECT_THAT(table, HasSubstr("t/t0"));
  EXPECT_THAT(table, HasSubstr("liveset"));
  EXPECT_THAT(table, HasSubstr("queue"));
  EXPECT_THAT(table, HasSubstr(" 2.00 "));  // t/t0 = 1.0 / 0.5
}

TEST(Outcomes, FileComparisonMatchesPoliciesAndPoints) {
  Sweep a = DefaultSweep();
  Sweep b = DefaultSweep();
  for (SweepRun& r : b.runs) r.result.rss_peak /= 2;
  b.meta.grid.points.pop_back();  // B ran one point fewer
  std::vector<SweepRun> kept;
  for (SweepRun& r : b.runs) {
    if (r.point < static_cast<int>(b.meta.grid.points.size())) {
      kept.push_back(r);
    }
  }
  b.runs = kept;
  const std::vector<CompareOutcome> o = FileOutcomes(a, b);
  ASSERT_EQ(o.size(), 2u);  // count and fullpages
  EXPECT_EQ(o[0].base, "A:count");
  EXPECT_EQ(o[0].next, "B:count");
  ASSERT_EQ(o[0].rows.size(), b.meta.grid.points.size());
  EXPECT_THAT(FormatCompareTable(o[0].base, o[0].next, 1, o[0].rows),
              HasSubstr("0.50"));  // r-rss
  b.meta.threads = 2;
  EXPECT_TRUE(FileOutcomes(a, b).empty());
}

TEST(Csv, QuotesCellsThatNeedIt) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvRow({"x", "y,z"}), "x,\"y,z\"\n");
}

TEST(Json, ParsesWhatItWritesAndRejectsTheRest) {
  absl::StatusOr<JsonValue> v =
      ParseJson("{\"s\": " + JsonString("a\"b\\c\n\x01") +
                ", \"n\": -1.5e3, \"a\": [true, null, {}], \"e\": []}");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["s"].text, "a\"b\\c\n\x01");
  EXPECT_EQ((*v)["n"].text, "-1.5e3");
  EXPECT_TRUE((*v)["a"].items[0].boolean);
  EXPECT_TRUE((*v)["a"].items[1].is_null());
  EXPECT_TRUE((*v)["missing"].is_null());
  EXPECT_EQ(JsonNumber(0.0 / 0.0), "null");
  for (const char* bad :
       {"", "{", "[1,]", "{\"a\" 1}", "\"open", "{} x", "\"\\u00zz\""}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace cyclotron
