#include "cli_flags.h"

#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grid.h"
#include "point_runner.h"
#include "policies.h"

// -1 in a flag means "the command's own default" (run) or "the grid's"
// (compare); the help prints the values it stands for.
ABSL_FLAG(std::string, wl, "chain",
          "workload: chain or tree (build units, hold `live` objects, drop "
          "them), or queue (a window of `live` self-cyclic nodes of `extra` "
          "bytes; each new node pushes the oldest out as trash)");
ABSL_FLAG(int64_t, cycle, 10,
          "objects per cyclic unit (chain nodes; a tree has about cycle/2 "
          "records; queue: unused)");
ABSL_FLAG(int64_t, extra, 100000,
          "payload bytes per unit, from cgc_malloc (chain: on the first node; "
          "tree: spread over the records; queue: per node)");
ABSL_FLAG(int64_t, live, 10000,
          "objects held before the holder is dropped (queue: window length)");
ABSL_FLAG(int, cyc, 100,
          "percent of units made cyclic, 0-100 (0: refcounting frees all)");
ABSL_FLAG(std::string, policy, "",
          "trigger policy; empty: CYCLEGC_TRIGGER or the library default");
ABSL_FLAG(std::string, series_out, "",
          "write the time series (t, RSS, trash, full-page bytes, created, "
          "collections) as CSV to this file");
ABSL_FLAG(std::string, result_out, "",
          "also write the result as key=value lines here (compare uses it)");
ABSL_FLAG(bool, header, true, "print the column header above the row");
ABSL_FLAG(int, threads, -1, "workload threads; each attaches and runs");
ABSL_FLAG(uint64_t, seed, 1,
          "random seed (thread i uses a seed derived from it)");
ABSL_FLAG(int64_t, objects, -1,
          "object target: a run lasts until this many objects were created "
          "(all threads)");
ABSL_FLAG(double, min_s, -1, "minimum run seconds");
ABSL_FLAG(double, max_s, -1, "maximum run seconds (stop even if not stable)");
ABSL_FLAG(double, sample_s, -1,
          "sampling period, seconds (stability: the last 5 blocks of 8 "
          "samples)");
ABSL_FLAG(bool, progress, true, "progress line on stderr");
ABSL_FLAG(std::string, base, "rss",
          "base policy, or a comma list (each compared with --new; every "
          "policy runs once per point and repeat)");
ABSL_FLAG(std::string, new, "pressure", "the new policy");
ABSL_FLAG(std::string, grid, "default",
          "quick (seconds), default (the README's, 13 points), default2 (5 "
          "points, 2 threads), full (84 points, hours)");
ABSL_FLAG(std::string, out, "out/cyclotron",
          "directory for the sweep file, CSV, JSON, tables, runs/, series/, "
          "logs/");
ABSL_FLAG(int, repeat, 1,
          "runs per point and policy (1-20), interleaved; tables show medians");
ABSL_FLAG(bool, ceiling, false,
          "also run each point with --cyc=0 under --new (refcounting alone) "
          "and add the column t/t0");
ABSL_FLAG(bool, resume, false,
          "keep the finished runs of the saved sweep (same settings) and run "
          "only the rest");
ABSL_FLAG(double, timeout_s, -1,
          "kill a child after this many seconds and fail its point; 0: never");

namespace cyclotron {
namespace {

std::string GridDefaults(const char* flag) {
  std::string out = "the grid's:";
  for (const char* name : {"quick", "default", "default2", "full"}) {
    const Grid g = *GetGrid(name);
    const std::string f = flag;
    std::string v = f == "objects"   ? absl::StrCat(g.objects)
                    : f == "min_s"   ? absl::StrCat(g.min_s)
                    : f == "max_s"   ? absl::StrCat(g.max_s)
                    : f == "threads" ? absl::StrCat(g.threads)
                                     : absl::StrCat(g.sample_s);
    if (f == "objects") {
      for (const auto& [wl, n] : g.objects_by_wl) {
        absl::StrAppend(&v, " (", wl, " ", n, ")");
      }
    }
    absl::StrAppend(&out, " ", name, " ", v, ";");
  }
  out.pop_back();
  return out;
}

std::string DefaultOf(const std::string& command, const std::string& name) {
  const RunOptions run;
  if (command == "run") {
    if (name == "objects") return absl::StrCat(run.objects);
    if (name == "min_s") return absl::StrCat(run.min_s);
    if (name == "max_s") return absl::StrCat(run.max_s);
    if (name == "sample_s") return absl::StrCat(run.sample_s);
    if (name == "threads") return "1";
  } else {
    if (name == "objects" || name == "min_s" || name == "max_s" ||
        name == "sample_s" || name == "threads") {
      return GridDefaults(name.c_str());
    }
    if (name == "timeout_s") return "2 x max_s + 60";
  }
  absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
  const std::string v = f != nullptr ? f->DefaultValue() : "";
  return v.empty() ? "\"\"" : v;
}

}  // namespace

const std::set<std::string>& FlagsOf(const std::string& command) {
  static const auto* run = new std::set<std::string>{
      "wl",         "cycle",      "extra",    "live",    "cyc",  "policy",
      "series_out", "result_out", "header",   "threads", "seed", "objects",
      "min_s",      "max_s",      "sample_s", "progress"};
  static const auto* compare = new std::set<std::string>{
      "base",    "new",      "grid",    "out",     "progress",
      "threads", "repeat",   "seed",    "objects", "min_s",
      "max_s",   "sample_s", "ceiling", "resume",  "timeout_s"};
  static const auto* none = new std::set<std::string>{};
  if (command == "run") return *run;
  if (command == "compare") return *compare;
  return *none;
}

const std::set<std::string>& AllFlags() {
  static const auto* all = [] {
    auto* s = new std::set<std::string>(FlagsOf("run"));
    s->insert(FlagsOf("compare").begin(), FlagsOf("compare").end());
    return s;
  }();
  return *all;
}

std::string UsageText() {
  std::string out = absl::StrCat(
      "cyclotron: stress harness for cyclegc's collection triggers.\n\n"
      "  cyclotron run [flags]\n"
      "      Runs one point in this process and prints its row (--wl=queue "
      "is\n      Tim Peters' GC stress test).\n"
      "  cyclotron compare [flags]\n"
      "      Runs every grid point under each policy, each run in a fresh "
      "child\n      process, and prints a table of new/base ratios per base. "
      "Saves the\n      sweep to <out>/sweep_<grid>_t<threads>.json after "
      "every run (resume\n      with --resume), and CSV, JSON and "
      "per-run time series under --out.\n"
      "  cyclotron report FILE.json\n"
      "      Prints the tables of a saved sweep (finished or not).\n"
      "  cyclotron compare-files A.json B.json\n"
      "      For each policy both sweeps ran, B's runs against A's on the\n"
      "      points both ran (two builds, two settings).\n\n"
      "Policies: ",
      PolicyList(),
      ".\nA run creates objects until the object target is reached and "
      "min_s has\npassed, then stops as soon as trash and RSS are stable "
      "(Theil-Sen slope of\nthe last 5 block maxima and medians, blocks of "
      "8 samples: slope <= 100\n(objects; KiB for RSS) and slope/level <= "
      "0.05), at the latest after max_s.\nAny CYCLEGC_* variable applies; "
      "--policy overrides CYCLEGC_TRIGGER.\n\nFlags: --name=value or --name "
      "value; booleans also --name / --noname.\n");
  for (const char* command : {"run", "compare"}) {
    absl::StrAppend(&out, "\n", command, ":\n");
    for (const std::string& n : FlagsOf(command)) {
      absl::CommandLineFlag* f = absl::FindCommandLineFlag(n);
      if (f == nullptr) continue;
      absl::StrAppendFormat(&out, "  --%-11s %s\n  %-13s [default: %s]\n", n,
                            f->Help(), "", DefaultOf(command, n));
    }
  }
  absl::StrAppend(&out,
                  "\nExit codes: 0 success, 1 a run, a file or the library "
                  "failed, 2 bad command line.\n");
  return out;
}

}  // namespace cyclotron
