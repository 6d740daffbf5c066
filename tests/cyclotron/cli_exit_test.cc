// The program's exit codes: 2 for a bad command line, with a message naming
// what was wrong; 0 for --help.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::HasSubstr;

struct Outcome {
  int code = -1;
  std::string output;
};

Outcome RunProgram(const std::string& args) {
  Outcome o;
  const std::string cmd = std::string(CYCLOTRON_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.output.append(buf, n);
  const int status = pclose(p);
  if (WIFEXITED(status)) o.code = WEXITSTATUS(status);
  return o;
}

TEST(CyclotronExit, UnknownFlagExitsTwo) {
  const Outcome o = RunProgram("run --bogus=1");
  EXPECT_EQ(o.code, 2);
  EXPECT_THAT(o.output, HasSubstr("unknown flag '--bogus=1'"));
}

TEST(CyclotronExit, MalformedFlagExitsTwo) {
  const Outcome o = RunProgram("run --live=many");
  EXPECT_EQ(o.code, 2);
  EXPECT_THAT(o.output, HasSubstr("bad value for --live"));
}

TEST(CyclotronExit, NoCommandExitsTwo) { EXPECT_EQ(RunProgram("").code, 2); }

// A hung child fails its point: here every child outlives a tiny timeout.
TEST(CyclotronExit, TimedOutChildFailsItsPointAndTheSweepIsSaved) {
  const std::string out = ::testing::TempDir() + "/cyclotron_timeout";
  const Outcome o = RunProgram(
      "compare --grid=quick --base=count --new=fullpages --timeout_s=0.2 "
      "--noprogress --out=" +
      out);
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.output, HasSubstr("child timed out after 0.2s"));
  const Outcome r = RunProgram("report " + out + "/sweep_quick_t1.json");
  EXPECT_EQ(r.code, 1);  // the saved runs failed, and report says so
  EXPECT_THAT(r.output, HasSubstr("grid quick, 1 thread(s)"));
  EXPECT_THAT(r.output, HasSubstr("FAIL"));
  EXPECT_EQ(RunProgram("report " + out + "/missing.json").code, 1);
}

// An interrupted sweep keeps what it finished: --resume runs only the rest,
// and refuses a sweep saved with other settings.
TEST(CyclotronExit, ResumeKeepsFinishedRunsOfTheSameSettings) {
  const std::string out = ::testing::TempDir() + "/cyclotron_resume";
  const std::string tiny =
      " --grid=quick --objects=2000 --min_s=0 --max_s=0.3 --sample_s=0.01 "
      "--out=" +
      out;
  std::remove((out + "/sweep_quick_t1.json").c_str());
  const Outcome first =
      RunProgram("compare --base=count --new=fullpages --resume" + tiny);
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("8 runs in"));
  const Outcome again =
      RunProgram("compare --base=count --new=fullpages --resume" + tiny);
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("0 runs in"));
  EXPECT_THAT(again.output, HasSubstr("8 more kept from the saved sweep"));
  const Outcome other =
      RunProgram("compare --base=rss --new=fullpages --resume" + tiny);
  EXPECT_EQ(other.code, 1);
  EXPECT_THAT(other.output, HasSubstr("bases: count saved, rss now"));
}

TEST(CyclotronExit, HelpExitsZeroAndListsFlags) {
  const Outcome o = RunProgram("--help");
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.output, HasSubstr("--extra"));
  EXPECT_THAT(o.output, HasSubstr("compare"));
}

}  // namespace
