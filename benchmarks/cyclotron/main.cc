// cyclotron: reproduces the runaway-memory case of RSS-based collection
// deferral under mimalloc and compares the trigger policies side by side.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli.h"
#include "cli_flags.h"
#include "compare.h"
#include "format.h"
#include "outcomes.h"
#include "point_runner.h"
#include "report.h"
#include "sweep.h"

namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "cyclotron: %s\n", std::string(s.message()).c_str());
  return 1;
}

// `run`'s progress line: redrawn on a terminal, every 5 s into a log.
void ShowSample(const cyclotron::RunOptions& o,
                const cyclotron::SampleView& v) {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  static double shown = -1;
  if (v.t_s - shown < (tty ? 0.5 : 5.0)) return;
  shown = v.t_s;
  const std::string line = absl::StrFormat(
      "[cyclotron] %s, %s: %.1fs of %g-%g, %s of %s objects, rss %s, trash "
      "%s, %d collections, stable: trash %s, rss %s",
      cyclotron::DescribePoint(o.point),
      o.policy.empty() ? "default" : o.policy, v.t_s, o.min_s, o.max_s,
      cyclotron::HumanCount(static_cast<double>(v.created)),
      cyclotron::HumanCount(static_cast<double>(o.objects)),
      cyclotron::HumanBytes(static_cast<double>(v.rss)),
      cyclotron::HumanTrash(static_cast<double>(v.trash)), v.collections,
      v.trash_stable ? "yes" : "no", v.rss_stable ? "yes" : "no");
  std::fprintf(stderr, tty ? "\r%-130s" : "%s\n", line.c_str());
}

int Run(const cyclotron::Invocation& inv) {
  cyclotron::RunOptions o = inv.run;
  if (inv.progress) {
    o.on_sample = [&o](const cyclotron::SampleView& v) { ShowSample(o, v); };
  }
  absl::StatusOr<cyclotron::PointResult> r = cyclotron::RunPoint(o);
  if (inv.progress && isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
  if (!r.ok()) return Fail(r.status());
  if (!inv.result_out.empty()) {
    if (absl::Status s = cyclotron::WriteTextFile(
            inv.result_out, cyclotron::SerializeResult(*r));
        !s.ok()) {
      return Fail(s);
    }
  }
  std::fputs(cyclotron::FormatRunRow(*r, inv.header).c_str(), stdout);
  return r->error.empty() ? 0 : 1;
}

// Prints the tables; 1 if a row failed.
int Print(const std::vector<cyclotron::CompareOutcome>& outcomes) {
  int rc = 0;
  for (const cyclotron::CompareOutcome& o : outcomes) {
    std::printf("%s\n",
                cyclotron::FormatCompareTable(o.base, o.next, o.threads, o.rows)
                    .c_str());
    for (const cyclotron::ComparedPoint& p : o.rows) {
      if (!p.base.error.empty() || !p.next.error.empty()) rc = 1;
    }
  }
  return rc;
}

std::string Describe(const cyclotron::SweepMeta& m) {
  return absl::StrFormat(
      "grid %s, %d thread(s), %d repeat(s), seed %d, %s, commit %.12s, %d "
      "cores, %d CYCLEGC_*/MIMALLOC_* setting(s)",
      m.grid.name, m.threads, m.repeats, m.seed, m.date, m.commit, m.cores,
      m.env.size());
}

int Compare(const cyclotron::Invocation& inv) {
  const cyclotron::CompareOptions& c = inv.compare;
  absl::StatusOr<std::vector<cyclotron::CompareOutcome>> outcomes =
      cyclotron::RunCompare(c);
  if (!outcomes.ok()) return Fail(outcomes.status());
  const int rc = Print(*outcomes);
  std::fprintf(stderr,
               "[cyclotron] sweep %s.json; CSV, JSON, tables and time series "
               "in %s\n",
               cyclotron::SweepStem(c.out_dir, c.grid.name, c.threads).c_str(),
               c.out_dir.c_str());
  return rc;
}

int Report(const cyclotron::Invocation& inv) {
  absl::StatusOr<cyclotron::Sweep> s = cyclotron::LoadSweep(inv.files[0]);
  if (!s.ok()) return Fail(s.status());
  std::printf("%s: %s; %zu runs\n\n", inv.files[0].c_str(),
              Describe(s->meta).c_str(), s->runs.size());
  return Print(cyclotron::SweepOutcomes(*s));
}

int CompareFiles(const cyclotron::Invocation& inv) {
  absl::StatusOr<cyclotron::Sweep> a = cyclotron::LoadSweep(inv.files[0]);
  if (!a.ok()) return Fail(a.status());
  absl::StatusOr<cyclotron::Sweep> b = cyclotron::LoadSweep(inv.files[1]);
  if (!b.ok()) return Fail(b.status());
  const std::vector<cyclotron::CompareOutcome> outcomes =
      cyclotron::FileOutcomes(*a, *b);
  if (outcomes.empty()) {
    return Fail(absl::InvalidArgumentError(
        "the two sweeps share no policy and point at the same thread count"));
  }
  std::printf("A = %s: %s\nB = %s: %s\n\n", inv.files[0].c_str(),
              Describe(a->meta).c_str(), inv.files[1].c_str(),
              Describe(b->meta).c_str());
  return Print(outcomes);
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
    case cyclotron::Invocation::Kind::kReport:
      return Report(*inv);
    case cyclotron::Invocation::Kind::kCompareFiles:
      return CompareFiles(*inv);
  }
  return 2;
}
