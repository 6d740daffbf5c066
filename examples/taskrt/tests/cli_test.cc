// Runs the taskrt binary: exit codes and messages of the command line.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Outcome RunTaskrt(const std::string& args, const std::string& env = "") {
  std::string cmd = absl::StrCat(env, env.empty() ? "" : " ", TASKRT_BINARY,
                                 " ", args, " 2>&1");
  Outcome run;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    run.output.append(buf.data(), n);
  int status = pclose(p);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(CliTest, UnknownFlagExits2NamingIt) {
  Outcome r = RunTaskrt("sessions --dispachtes=3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--dispachtes"), std::string::npos) << r.output;
}

TEST(CliTest, FlagOfAnotherSubcommandExits2) {
  Outcome r = RunTaskrt("sessions --tasks=3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown flag '--tasks=3'"), std::string::npos)
      << r.output;
}

TEST(CliTest, BadValueExits2NamingFlag) {
  Outcome r = RunTaskrt("futures --chains=many");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'--chains'"), std::string::npos) << r.output;
}

TEST(CliTest, OutOfRangeExits2NamingFlag) {
  Outcome r = RunTaskrt("threads --threads=0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'--threads'"), std::string::npos) << r.output;
}

TEST(CliTest, UnknownSubcommandExits2) {
  Outcome r = RunTaskrt("sesions");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'sesions'"), std::string::npos) << r.output;
}

TEST(CliTest, MissingSubcommandExits2) {
  EXPECT_EQ(RunTaskrt("").exit_code, 2);
}

TEST(CliTest, HelpListsSubcommandFlags) {
  Outcome r = RunTaskrt("sessions --help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--break-cycle"), std::string::npos) << r.output;
  Outcome all = RunTaskrt("--help");
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_NE(all.output.find("fire-and-forget"), std::string::npos)
      << all.output;
}

TEST(CliTest, SessionsCensusNamesSessionAndTask) {
  Outcome r = RunTaskrt("sessions --dispatches=50", "CYCLEGC_DEBUG=census");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("live sessions 50, live tasks 50"), std::string::npos)
      << r.output;
  EXPECT_NE(
      r.output.find("after cgc_collect:      live sessions 0, live tasks 0"),
      std::string::npos)
      << r.output;
  // The library's own census report (printed at shutdown).
  EXPECT_NE(r.output.find("cyclegc census:"), std::string::npos) << r.output;
  size_t lib = r.output.find("cyclegc census:");
  EXPECT_NE(r.output.find(" Session ", lib), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" Task ", lib), std::string::npos) << r.output;
}

TEST(CliTest, SessionsWithBreakCycleHaveNoCyclicTrash) {
  Outcome r = RunTaskrt("sessions --dispatches=50 --break-cycle",
                        "CYCLEGC_DEBUG=census");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(
      r.output.find("live sessions 0, live tasks 0 (weak task registry: 0)"),
      std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find(" Session "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(" Task "), std::string::npos) << r.output;
}

// The issue-17 acceptance run: CYCLEGC_DEBUG=cycles names the ring, and
// with --break-cycle there is none.
TEST(CliTest, SessionsCycleReportNamesTheRingUnlessBroken) {
  const char* kRing = "Session -> Task -> SessionWorkerClosure -> Session";
  Outcome r = RunTaskrt("sessions --dispatches=1000", "CYCLEGC_DEBUG=cycles");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::string("cyclegc cycles:      8 x ") + kRing),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("sampled cycles:         1 shapes"),
            std::string::npos)
      << r.output;
  Outcome broken = RunTaskrt("sessions --dispatches=1000 --break-cycle",
                             "CYCLEGC_DEBUG=cycles");
  EXPECT_EQ(broken.exit_code, 0) << broken.output;
  EXPECT_EQ(broken.output.find(" -> "), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("sampled cycles by shape (0 shapes)"),
            std::string::npos)
      << broken.output;
}

TEST(CliTest, BrokenLoopFailsAndWarns) {
  Outcome r = RunTaskrt(
      "fire-and-forget --tasks=200 --threshold=8 --loop-drops-waiting");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("was destroyed but it is pending"), std::string::npos)
      << r.output;
}

}  // namespace
