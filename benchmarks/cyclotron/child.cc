#include "child.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cyclotron {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

// The program itself: the same binary runs every child.
std::string SelfExe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/proc/self/exe";
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

PointResult RunChild(const ChildRun& child, const PointSpec& point,
                     const std::string& policy,
                     const std::function<void()>& tick) {
  PointResult failed;
  failed.point = point;
  failed.policy = policy;
  std::remove(child.result_path.c_str());
  const std::string exe = SelfExe();
  std::vector<std::string> argv_store = {exe};
  argv_store.insert(argv_store.end(), child.args.begin(), child.args.end());
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
    const int fd =
        open(child.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(exe.c_str(), argv.data());
    std::fprintf(stderr, "execv %s: %s\n", exe.c_str(), std::strerror(errno));
    _exit(127);
  }
  const absl::Time start = absl::Now();
  bool timed_out = false;
  int status = 0;
  while (true) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      failed.error = absl::StrCat("waitpid: ", std::strerror(errno));
      return failed;
    }
    if (!timed_out && child.timeout_s > 0 &&
        absl::Now() - start > absl::Seconds(child.timeout_s)) {
      kill(pid, SIGKILL);  // a hung child fails its point, not the sweep
      timed_out = true;
    }
    tick();
    absl::SleepFor(absl::Milliseconds(timed_out ? 10 : 500));
  }
  const std::string log_tail = Tail(ReadFile(child.log_path), 400);
  if (timed_out) {
    failed.error =
        absl::StrFormat("child timed out after %gs (--timeout_s); log %s: %s",
                        child.timeout_s, child.log_path, log_tail);
    return failed;
  }
  if (WIFSIGNALED(status)) {
    failed.error = absl::StrFormat("child killed by signal %d; log %s: %s",
                                   WTERMSIG(status), child.log_path, log_tail);
    return failed;
  }
  absl::StatusOr<PointResult> parsed = ParseResult(ReadFile(child.result_path));
  if (!parsed.ok()) {
    failed.error =
        absl::StrFormat("child exited %d without a result (%s); log %s: %s",
                        WEXITSTATUS(status), parsed.status().message(),
                        child.log_path, log_tail);
    return failed;
  }
  return *parsed;
}

}  // namespace cyclotron
