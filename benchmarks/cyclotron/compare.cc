#include "compare.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cyclotron {
namespace {

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "cannot create directory '%s': %s", partial, std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

std::string FormatDuration(double s) {
  if (s < 0) return "?";
  const int total = static_cast<int>(s + 0.5);
  return absl::StrFormat("%dm%02ds", total / 60, total % 60);
}

// The program itself, for fork+exec: the same binary runs every child.
std::string SelfExe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/proc/self/exe";
  return std::string(buf, static_cast<size_t>(n));
}

class Progress {
 public:
  Progress(bool enabled, int total_runs, double prior_run_s)
      : enabled_(enabled),
        tty_(isatty(STDERR_FILENO) != 0),
        total_(total_runs),
        prior_run_s_(prior_run_s),
        start_(absl::Now()) {}

  void Show(int point, int points, const std::string& what) {
    if (!enabled_) return;
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - start_);
    const double per_run = done_ > 0 ? elapsed / done_ : prior_run_s_;
    const double eta = per_run * (total_ - done_) - (done_ > 0 ? 0 : elapsed);
    const std::string line = absl::StrFormat(
        "[cyclotron] point %d of %d (%s), run %d of %d, elapsed %s, ETA %s",
        point, points, what, done_ + 1, total_, FormatDuration(elapsed),
        FormatDuration(std::max(eta, 0.0)));
    if (tty_) {
      std::fprintf(stderr, "\r%-120s", line.c_str());
    } else if (line_shown_ != done_) {
      std::fprintf(stderr, "%s\n", line.c_str());
      line_shown_ = done_;
    }
    std::fflush(stderr);
  }
  void RunDone() { ++done_; }
  void Finish() {
    if (!enabled_) return;
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - start_);
    if (tty_) std::fprintf(stderr, "\r%-120s\r", "");
    std::fprintf(stderr, "[cyclotron] %d runs in %s\n", done_,
                 FormatDuration(elapsed).c_str());
  }

 private:
  bool enabled_;
  bool tty_;
  int total_;
  double prior_run_s_;
  absl::Time start_;
  int done_ = 0;
  int line_shown_ = -1;
};

// Runs one child to completion, redrawing the progress line while it runs.
PointResult RunChild(const std::string& exe,
                     const std::vector<std::string>& args,
                     const PointSpec& point, const std::string& policy,
                     const std::string& result_path,
                     const std::string& log_path,
                     const std::function<void()>& tick) {
  PointResult failed;
  failed.point = point;
  failed.policy = policy;
  std::remove(result_path.c_str());
  std::vector<std::string> argv_store = {exe};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    failed.error = absl::StrCat("fork: ", std::strerror(errno));
    return failed;
  }
  if (pid == 0) {
    // Child: its row and messages go to the log, not into our table.
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(exe.c_str(), argv.data());
    std::fprintf(stderr, "execv %s: %s\n", exe.c_str(), std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (true) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      failed.error = absl::StrCat("waitpid: ", std::strerror(errno));
      return failed;
    }
    tick();
    absl::SleepFor(absl::Milliseconds(500));
  }
  const std::string log_tail = Tail(ReadFile(log_path), 400);
  if (WIFSIGNALED(status)) {
    failed.error = absl::StrFormat("child killed by signal %d; log %s: %s",
                                   WTERMSIG(status), log_path, log_tail);
    return failed;
  }
  absl::StatusOr<PointResult> parsed = ParseResult(ReadFile(result_path));
  if (!parsed.ok()) {
    failed.error = absl::StrFormat(
        "child exited %d without a result (%s); log %s: %s",
        WEXITSTATUS(status), parsed.status().message(), log_path, log_tail);
    return failed;
  }
  return *parsed;
}

}  // namespace

std::vector<std::string> ChildArgs(const CompareOptions& o,
                                   const PointSpec& point,
                                   const std::string& policy,
                                   const std::string& result_path,
                                   const std::string& series_path) {
  return {"run",
          absl::StrCat("--wl=", point.wl),
          absl::StrCat("--cycle=", point.cycle),
          absl::StrCat("--extra=", point.extra),
          absl::StrCat("--live=", point.live),
          absl::StrCat("--cyc=", point.cyc),
          absl::StrCat("--policy=", policy),
          absl::StrCat("--threads=", o.threads),
          absl::StrCat("--seed=", o.seed),
          absl::StrCat("--objects=", ObjectsFor(o.grid, point)),
          absl::StrFormat("--min_s=%g", o.grid.min_s),
          absl::StrFormat("--max_s=%g", o.grid.max_s),
          absl::StrFormat("--sample_s=%g", o.grid.sample_s),
          absl::StrCat("--result_out=", result_path),
          absl::StrCat("--series_out=", series_path)};
}

absl::StatusOr<std::vector<CompareOutcome>> RunCompare(
    const CompareOptions& o) {
  for (const char* sub : {"", "/runs", "/series", "/logs"}) {
    if (absl::Status s = MakeDirs(o.out_dir + sub); !s.ok()) return s;
  }
  // Each policy runs once per point, even when it is the new side of several
  // comparisons.
  std::vector<std::string> policies = o.bases;
  policies.push_back(o.new_policy);
  const std::string exe = SelfExe();
  const int points = static_cast<int>(o.grid.points.size());
  Progress progress(o.progress,
                    points * o.repeats * static_cast<int>(policies.size()),
                    o.grid.min_s + 1.5);
  std::vector<std::map<std::string, PointResult>> results(o.grid.points.size());
  for (int i = 0; i < points; ++i) {
    const PointSpec& point = o.grid.points[static_cast<size_t>(i)];
    std::map<std::string, std::vector<PointResult>> runs;
    // Repeats interleave the policies, so a slow spell of the machine hits
    // every policy alike.
    for (int rep = 1; rep <= o.repeats; ++rep) {
      for (const std::string& policy : policies) {
        std::string name =
            absl::StrFormat("%s_%s_t%d", PointKey(point), policy, o.threads);
        if (o.repeats > 1) absl::StrAppend(&name, "_r", rep);
        const std::string result_path = o.out_dir + "/runs/" + name + ".txt";
        const std::string series_path = o.out_dir + "/series/" + name + ".csv";
        const std::string log_path = o.out_dir + "/logs/" + name + ".log";
        std::string what = DescribePoint(point) + ", " + policy;
        if (o.repeats > 1) {
          absl::StrAppend(&what, absl::StrFormat(" #%d", rep));
        }
        auto tick = [&] { progress.Show(i + 1, points, what); };
        tick();
        runs[policy].push_back(
            RunChild(exe, ChildArgs(o, point, policy, result_path, series_path),
                     point, policy, result_path, log_path, tick));
        progress.RunDone();
      }
    }
    for (auto& [policy, policy_runs] : runs) {
      results[static_cast<size_t>(i)][policy] = MedianOfRuns(policy_runs);
    }
  }
  progress.Finish();

  std::vector<CompareOutcome> outcomes;
  for (const std::string& base : o.bases) {
    CompareOutcome outcome;
    outcome.base = base;
    for (auto& per_policy : results) {
      outcome.rows.push_back(
          ComparedPoint{per_policy[base], per_policy[o.new_policy]});
    }
    const std::string stem = absl::StrFormat(
        "%s/compare_%s_vs_%s_t%d", o.out_dir, base, o.new_policy, o.threads);
    if (absl::Status s = WriteTextFile(
            stem + ".csv",
            CompareCsv(base, o.new_policy, o.threads, outcome.rows));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = WriteTextFile(
            stem + ".json",
            CompareJson(base, o.new_policy, o.threads, outcome.rows));
        !s.ok()) {
      return s;
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace cyclotron
