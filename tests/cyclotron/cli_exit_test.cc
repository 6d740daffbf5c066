// The program's exit codes: 2 for a bad command line, with a message naming
// what was wrong; 0 for --help.
#include <sys/wait.h>

#include <cstdio>
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

TEST(CyclotronExit, HelpExitsZeroAndListsFlags) {
  const Outcome o = RunProgram("--help");
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.output, HasSubstr("--extra"));
  EXPECT_THAT(o.output, HasSubstr("compare"));
}

}  // namespace
