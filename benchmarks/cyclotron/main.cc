// cyclotron: reproduces the runaway-memory case of RSS-based collection
// deferral under mimalloc and shows the full-page trigger next to it.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli.h"
#include "compare.h"
#include "point_runner.h"
#include "report.h"

namespace {

int Run(const cyclotron::Invocation& inv) {
  absl::StatusOr<cyclotron::PointResult> r = cyclotron::RunPoint(inv.run);
  if (!r.ok()) {
    std::fprintf(stderr, "cyclotron: %s\n",
                 std::string(r.status().message()).c_str());
    return 1;
  }
  if (!inv.result_out.empty()) {
    if (absl::Status s = cyclotron::WriteTextFile(
            inv.result_out, cyclotron::SerializeResult(*r));
        !s.ok()) {
      std::fprintf(stderr, "cyclotron: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  std::fputs(cyclotron::FormatRunRow(*r, inv.header).c_str(), stdout);
  return r->error.empty() ? 0 : 1;
}

int Compare(const cyclotron::Invocation& inv) {
  const cyclotron::CompareOptions& c = inv.compare;
  absl::StatusOr<std::vector<cyclotron::CompareOutcome>> outcomes =
      cyclotron::RunCompare(c);
  if (!outcomes.ok()) {
    std::fprintf(stderr, "cyclotron: %s\n",
                 std::string(outcomes.status().message()).c_str());
    return 1;
  }
  int rc = 0;
  for (const cyclotron::CompareOutcome& o : *outcomes) {
    const std::string table =
        cyclotron::FormatCompareTable(o.base, c.new_policy, c.threads, o.rows);
    std::printf("%s\n", table.c_str());
    const std::string path =
        absl::StrFormat("%s/compare_%s_vs_%s_t%d.txt", c.out_dir, o.base,
                        c.new_policy, c.threads);
    if (!cyclotron::WriteTextFile(path, table).ok()) rc = 1;
    for (const cyclotron::ComparedPoint& p : o.rows) {
      if (!p.base.error.empty() || !p.next.error.empty()) rc = 1;
    }
  }
  std::fprintf(stderr, "[cyclotron] CSV, JSON, tables and time series in %s\n",
               c.out_dir.c_str());
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<cyclotron::Invocation> inv = cyclotron::ParseCommandLine(args);
  if (!inv.ok()) {
    std::fprintf(stderr,
                 "cyclotron: %s\nRun 'cyclotron --help' for the flags.\n",
                 std::string(inv.status().message()).c_str());
    return 2;
  }
  switch (inv->kind) {
    case cyclotron::Invocation::Kind::kHelp:
      std::fputs(cyclotron::UsageText().c_str(), stdout);
      return 0;
    case cyclotron::Invocation::Kind::kRun:
      return Run(*inv);
    case cyclotron::Invocation::Kind::kCompare:
      return Compare(*inv);
  }
  return 2;
}
