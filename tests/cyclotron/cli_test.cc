#include "cli.h"

#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "cli_flags.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cyclotron {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Flags are process-global: every test restores them.
class CliTest : public ::testing::Test {
 protected:
  absl::StatusOr<Invocation> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "cyclotron");
    return ParseCommandLine(args);
  }
  absl::FlagSaver saver_;
};

TEST_F(CliTest, RunWithTheIssueExampleFlags) {
  auto inv = Parse({"run", "--wl=chain", "--cycle=10", "--extra=100000",
                    "--live=10000", "--cyc=100", "--threads=1"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->kind, Invocation::Kind::kRun);
  EXPECT_EQ(inv->run.point.cycle, 10);
  EXPECT_EQ(inv->run.point.extra, 100000);
  EXPECT_EQ(inv->run.point.live, 10000);
  EXPECT_EQ(inv->run.objects, 1000000);  // the issue's defaults
  EXPECT_DOUBLE_EQ(inv->run.min_s, 10);
  EXPECT_DOUBLE_EQ(inv->run.max_s, 60);
  EXPECT_EQ(inv->run.policy, "");
}

TEST_F(CliTest, SeparateValueAndNegatedBool) {
  auto inv = Parse({"run", "--cycle", "20", "--noheader", "--policy", "rss"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->run.point.cycle, 20);
  EXPECT_FALSE(inv->header);
  EXPECT_EQ(inv->run.policy, "rss");
}

TEST_F(CliTest, UnknownFlagIsRejected) {
  auto inv = Parse({"run", "--cylce=10"});
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.status().message(), HasSubstr("unknown flag '--cylce=10'"));
}

TEST_F(CliTest, MalformedValueIsRejected) {
  auto inv = Parse({"run", "--cycle=ten"});
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.status().message(),
              HasSubstr("bad value for --cycle: 'ten'"));
}

TEST_F(CliTest, OutOfRangeValuesAreRejected) {
  EXPECT_THAT(Parse({"run", "--cyc=101"}).status().message(),
              HasSubstr("--cyc=101"));
  EXPECT_THAT(Parse({"run", "--cycle=0"}).status().message(),
              HasSubstr("--cycle=0"));
  EXPECT_THAT(Parse({"run", "--threads=0"}).status().message(),
              HasSubstr("--threads=0"));
  EXPECT_THAT(Parse({"run", "--wl=ring"}).status().message(),
              HasSubstr("chain, tree and queue"));
  EXPECT_THAT(Parse({"run", "--policy=lazy"}).status().message(),
              HasSubstr("accepted policies"));
  EXPECT_THAT(Parse({"run", "--min_s=5", "--max_s=2"}).status().message(),
              HasSubstr("min_s <= max_s"));
  EXPECT_THAT(Parse({"run", "--sample_s=-3"}).status().message(),
              HasSubstr("--sample_s"));
}

TEST_F(CliTest, FlagOfTheOtherCommandIsRejected) {
  EXPECT_THAT(Parse({"run", "--grid=quick"}).status().message(),
              HasSubstr("--grid does not apply to 'run'"));
  EXPECT_THAT(Parse({"compare", "--cycle=10"}).status().message(),
              HasSubstr("--cycle does not apply to 'compare'"));
}

TEST_F(CliTest, StrayArgumentsAndCommandsAreRejected) {
  EXPECT_THAT(Parse({"run", "chain"}).status().message(),
              HasSubstr("unexpected argument 'chain'"));
  EXPECT_THAT(Parse({"bench"}).status().message(),
              HasSubstr("unknown command 'bench'"));
  EXPECT_THAT(Parse({}).status().message(), HasSubstr("missing command"));
  EXPECT_THAT(Parse({"run", "--cycle"}).status().message(),
              HasSubstr("--cycle needs a value"));
}

TEST_F(CliTest, CompareTakesGridDefaultsUnlessOverridden) {
  auto inv = Parse({"compare", "--base=rss,count", "--new=fullpages",
                    "--grid=quick", "--threads=2", "--max_s=7"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  const CompareOptions& c = inv->compare;
  EXPECT_EQ(c.bases, (std::vector<std::string>{"rss", "count"}));
  EXPECT_EQ(c.new_policy, "fullpages");
  EXPECT_EQ(c.threads, 2);
  EXPECT_EQ(c.grid.name, "quick");
  EXPECT_DOUBLE_EQ(c.grid.max_s, 7);
  EXPECT_DOUBLE_EQ(c.grid.min_s, GetGrid("quick")->min_s);
  EXPECT_FALSE(c.grid.points.empty());
  EXPECT_EQ(c.repeats, 1);
}

TEST_F(CliTest, TheTwoThreadGridRunsOnTwoThreadsUnlessTold) {
  auto inv = Parse({"compare", "--grid=default2"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->compare.threads, 2);
  inv = Parse({"compare", "--grid=default2", "--threads=1"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->compare.threads, 1);
  EXPECT_EQ(Parse({"compare"})->compare.threads, 1);
  EXPECT_EQ(Parse({"run"})->run.threads, 1);
}

TEST_F(CliTest, QueueRowsKeepTheirObjectTargetUnlessOverridden) {
  auto inv = Parse({"compare", "--grid=default"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  PointSpec queue;
  queue.wl = "queue";
  EXPECT_EQ(ObjectsFor(inv->compare.grid, queue), 1000000);
  inv = Parse({"compare", "--grid=default", "--objects=5000"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(ObjectsFor(inv->compare.grid, queue), 5000);
}

TEST_F(CliTest, CompareRepeatIsBounded) {
  auto inv = Parse({"compare", "--repeat=3"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->compare.repeats, 3);
  EXPECT_THAT(Parse({"compare", "--repeat=0"}).status().message(),
              HasSubstr("--repeat=0"));
  EXPECT_THAT(Parse({"compare", "--repeat=21"}).status().message(),
              HasSubstr("--repeat=21"));
  EXPECT_FALSE(Parse({"compare", "--repeat=two"}).ok());
  EXPECT_FALSE(Parse({"run", "--repeat=3"}).ok());  // a compare flag
}

TEST_F(CliTest, CompareRejectsBadPolicyGridAndSameSides) {
  EXPECT_THAT(Parse({"compare", "--grid=huge"}).status().message(),
              HasSubstr("accepted grids are quick, default, default2, full"));
  EXPECT_THAT(Parse({"compare", "--base=rss,bogus"}).status().message(),
              HasSubstr("--base='bogus'"));
  EXPECT_THAT(Parse({"compare", "--base=pressure"}).status().message(),
              HasSubstr("also a --base"));
}

TEST_F(CliTest, HelpExplainsEveryFlag) {
  auto inv = Parse({"--help"});
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(inv->kind, Invocation::Kind::kHelp);
  const std::string usage = UsageText();
  for (const char* flag :
       {"wl",     "cycle",      "extra",      "live",     "cyc",
        "policy", "series_out", "result_out", "header",   "threads",
        "seed",   "objects",    "min_s",      "max_s",    "sample_s",
        "base",   "new",        "grid",       "out",      "progress",
        "repeat", "ceiling",    "resume",     "timeout_s"}) {
    EXPECT_THAT(usage, HasSubstr(std::string("--") + flag + " ")) << flag;
  }
  // Grouped by command, with the values -1 stands for.
  const size_t run = usage.find("\nrun:\n");
  const size_t compare = usage.find("\ncompare:\n");
  ASSERT_NE(run, std::string::npos);
  ASSERT_NE(compare, std::string::npos);
  const std::string run_part = usage.substr(run, compare - run);
  EXPECT_THAT(run_part, HasSubstr("[default: 1000000]"));
  EXPECT_THAT(run_part, Not(HasSubstr("--grid")));
  EXPECT_THAT(usage.substr(compare), HasSubstr("default 10000000 (queue"));
  EXPECT_THAT(usage, Not(HasSubstr("default: -1")));
  EXPECT_THAT(usage, HasSubstr("cyclotron report FILE.json"));
  EXPECT_THAT(usage, HasSubstr("cyclotron compare-files A.json B.json"));
}

TEST_F(CliTest, FileCommandsTakeTheirFiles) {
  auto inv = Parse({"report", "out/sweep_default_t1.json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->kind, Invocation::Kind::kReport);
  EXPECT_EQ(inv->files, std::vector<std::string>{"out/sweep_default_t1.json"});
  inv = Parse({"compare-files", "a.json", "b.json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->kind, Invocation::Kind::kCompareFiles);
  EXPECT_THAT(Parse({"report"}).status().message(),
              HasSubstr("takes one sweep file"));
  EXPECT_THAT(Parse({"compare-files", "a.json"}).status().message(),
              HasSubstr("takes two sweep files"));
  EXPECT_THAT(Parse({"report", "a.json", "--grid=quick"}).status().message(),
              HasSubstr("--grid does not apply to 'report'"));
}

TEST_F(CliTest, CompareCeilingResumeAndTimeout) {
  auto inv = Parse({"compare", "--grid=quick", "--ceiling", "--resume"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->compare.ceiling);
  EXPECT_TRUE(inv->compare.resume);
  EXPECT_DOUBLE_EQ(inv->compare.timeout_s, 2 * GetGrid("quick")->max_s + 60);
  inv = Parse({"compare", "--timeout_s=5"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_DOUBLE_EQ(inv->compare.timeout_s, 5);
  EXPECT_THAT(Parse({"compare", "--timeout_s=-3"}).status().message(),
              HasSubstr("--timeout_s=-3"));
  EXPECT_FALSE(Parse({"run", "--ceiling"}).ok());
  EXPECT_FALSE(Parse({"run", "--noprogress"})->progress);
}

TEST_F(CliTest, ChildArgumentsRoundTrip) {
  // What compare passes to its children parses back to the same point.
  CompareOptions c;
  c.grid = *GetGrid("quick");
  c.threads = 2;
  PointSpec p;
  p.wl = "tree";
  p.cycle = 30;
  p.extra = 5000;
  p.live = 700;
  p.cyc = 40;
  std::vector<std::string> args =
      ChildArgs(c, p, "count", "/tmp/r.txt", "/tmp/s.csv");
  auto inv = Parse(args);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->run.point.wl, "tree");
  EXPECT_EQ(inv->run.point.cycle, 30);
  EXPECT_EQ(inv->run.point.extra, 5000);
  EXPECT_EQ(inv->run.point.live, 700);
  EXPECT_EQ(inv->run.point.cyc, 40);
  EXPECT_EQ(inv->run.policy, "count");
  EXPECT_EQ(inv->run.threads, 2);
  EXPECT_EQ(inv->run.objects, c.grid.objects);
  EXPECT_DOUBLE_EQ(inv->run.sample_s, c.grid.sample_s);
  EXPECT_EQ(inv->result_out, "/tmp/r.txt");
  EXPECT_EQ(inv->run.series_out, "/tmp/s.csv");
  EXPECT_FALSE(inv->progress);  // a child's log gets no progress lines
}

}  // namespace
}  // namespace cyclotron
