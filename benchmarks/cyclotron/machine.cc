// Where and when a sweep ran: what a reader needs to trust a saved result.
#include <unistd.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sweep.h"

extern char** environ;

namespace cyclotron {
namespace {

// The source tree's commit (the build defines its path), if git can tell.
std::string GitCommit() {
#ifdef CYCLOTRON_SOURCE_DIR
  const std::string cmd = std::string("git -C '") + CYCLOTRON_SOURCE_DIR +
                          "' rev-parse HEAD 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "unknown";
  char buf[128] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  std::string commit(buf, n);
  absl::StripTrailingAsciiWhitespace(&commit);
  if (commit.size() == 40) return commit;
#endif
  return "unknown";
}

}  // namespace

void DescribeMachine(SweepMeta& meta) {
  meta.date =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  meta.commit = GitCommit();
  meta.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  meta.env.clear();
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (!absl::StartsWith(kv, "CYCLEGC_") && !absl::StartsWith(kv, "MIMALLOC_"))
      continue;
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    meta.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
}

}  // namespace cyclotron
