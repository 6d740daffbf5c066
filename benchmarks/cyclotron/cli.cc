#include "cli.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "policies.h"

// Point of a `run`.
ABSL_FLAG(std::string, wl, "chain",
          "workload: chain or tree (build units, hold `live` objects, drop "
          "them), or queue (a window of `live` self-cyclic nodes of `extra` "
          "bytes; each new node pushes the oldest out as trash)");
ABSL_FLAG(int64_t, cycle, 10,
          "objects per cyclic unit (chain nodes; a tree has about cycle/2 "
          "records)");
ABSL_FLAG(int64_t, extra, 100000,
          "payload bytes per unit, from cgc_malloc (chain: on the first node; "
          "tree: spread over the records)");
ABSL_FLAG(int64_t, live, 10000,
          "objects kept alive in the holder before it is dropped");
ABSL_FLAG(int, cyc, 100, "percent of units made cyclic (0-100)");
ABSL_FLAG(std::string, policy, "",
          "trigger policy: rss, count, fullpages or paced (run: empty means "
          "CYCLEGC_TRIGGER or the library default)");
ABSL_FLAG(std::string, series_out, "",
          "run: write the time series (t, RSS, trash, full-page bytes, "
          "created, collections) as CSV to this file");
ABSL_FLAG(std::string, result_out, "",
          "run: also write the result as key=value lines to this file (used "
          "by compare)");
ABSL_FLAG(bool, header, true, "run: print the column header above the row");
// Both commands.
ABSL_FLAG(int, threads, -1,
          "workload threads; each attaches and runs the workload; -1: 1 for "
          "run, the grid's value for compare");
ABSL_FLAG(uint64_t, seed, 1,
          "random seed (thread i uses a seed derived from it)");
ABSL_FLAG(int64_t, objects, -1,
          "object target: a run lasts until this many objects were created "
          "(all threads); -1: 1000000 for run, the grid's value for compare");
ABSL_FLAG(double, min_s, -1,
          "minimum run seconds; -1: 10 for run, the grid's value for compare");
ABSL_FLAG(double, max_s, -1,
          "maximum run seconds (stop even if not stable); -1: 60 for run, "
          "the grid's value for compare");
ABSL_FLAG(double, sample_s, -1,
          "sampling period in seconds (stability uses blocks of 8 samples, "
          "the last 5 blocks); -1: 0.25 for run, the grid's value for compare");
// `compare`.
ABSL_FLAG(std::string, base, "rss",
          "compare: base policy, or a comma list (each compared with --new; "
          "every policy runs once per point)");
ABSL_FLAG(std::string, new, "fullpages", "compare: the new policy");
ABSL_FLAG(std::string, grid, "default",
          "compare: quick (seconds), default (~10 min for 3 policies on 2 "
          "cores), full (72 points, hours)");
ABSL_FLAG(std::string, out, "out/cyclotron",
          "compare: directory for CSV, JSON, tables, runs/, series/, logs/");
ABSL_FLAG(int, repeat, 1,
          "compare: runs per point and policy (1-20), interleaved; the tables "
          "show the median of each metric");
ABSL_FLAG(bool, progress, true,
          "compare: progress line on stderr (point k of n, elapsed, ETA)");

namespace cyclotron {
namespace {

const std::set<std::string>& RunFlags() {
  static const auto* s = new std::set<std::string>{
      "wl",     "cycle",      "extra",      "live",   "cyc",
      "policy", "series_out", "result_out", "header", "threads",
      "seed",   "objects",    "min_s",      "max_s",  "sample_s"};
  return *s;
}

const std::set<std::string>& CompareFlags() {
  static const auto* s = new std::set<std::string>{
      "base",   "new",  "grid",    "out",   "progress", "threads",
      "repeat", "seed", "objects", "min_s", "max_s",    "sample_s"};
  return *s;
}

absl::Status Bad(const std::string& message) {
  return absl::InvalidArgumentError(message);
}

// Sets one flag from "--name=value", "--name value", "--name" or "--noname".
absl::Status SetFlag(const std::string& command,
                     const std::set<std::string>& allowed,
                     const std::vector<std::string>& args, size_t* i) {
  absl::string_view arg = args[*i];
  absl::string_view body = arg;
  if (!absl::ConsumePrefix(&body, "--")) absl::ConsumePrefix(&body, "-");
  std::string name(body);
  std::optional<std::string> value;
  if (size_t eq = body.find('='); eq != absl::string_view::npos) {
    name = std::string(body.substr(0, eq));
    value = std::string(body.substr(eq + 1));
  }
  absl::CommandLineFlag* flag = nullptr;
  if (RunFlags().count(name) || CompareFlags().count(name)) {
    flag = absl::FindCommandLineFlag(name);
  } else if (!value && absl::StartsWith(name, "no") &&
             (RunFlags().count(name.substr(2)) ||
              CompareFlags().count(name.substr(2)))) {
    absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
    if (negated != nullptr && negated->IsOfType<bool>()) {
      name = name.substr(2);
      flag = negated;
      value = "false";
    }
  }
  if (flag == nullptr) {
    return Bad(absl::StrFormat("unknown flag '%s' for '%s'", arg, command));
  }
  if (allowed.count(name) == 0) {
    return Bad(
        absl::StrFormat("flag --%s does not apply to '%s'", name, command));
  }
  if (!value) {
    if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (*i + 1 < args.size()) {
      value = args[++*i];
    } else {
      return Bad(absl::StrFormat("flag --%s needs a value", name));
    }
  }
  std::string error;
  if (!flag->ParseFrom(*value, &error)) {
    return Bad(
        absl::StrFormat("bad value for --%s: '%s' (%s)", name, *value, error));
  }
  return absl::OkStatus();
}

// -1 (the flags' default) means "the command's or grid's own value".
template <typename T>
T OrDefault(T flag_value, T fallback) {
  return flag_value < 0 ? fallback : flag_value;
}

absl::Status CheckSentinel(const char* name, double v) {
  if (v < 0 && v != -1) {
    return Bad(absl::StrFormat("--%s=%g: must be >= 0 (or -1 for the default)",
                               name, v));
  }
  return absl::OkStatus();
}

}  // namespace

std::string UsageText() {
  std::string out =
      "cyclotron: stress harness for cyclegc's collection triggers.\n"
      "\n"
      "  cyclotron run --wl=chain --cycle=10 --extra=100000 --live=10000 \\\n"
      "      --cyc=100 --threads=1 [--policy=rss|count|fullpages|paced]\n"
      "      Runs one point in this process and prints its row.\n"
      "  cyclotron compare --base rss --new fullpages [--grid "
      "default|quick|full]\n"
      "      [--threads N] [--repeat N] [--out DIR]\n"
      "      Runs every grid point under each policy, each run in a fresh\n"
      "      child process, and prints the table of new/base ratios; writes\n"
      "      CSV, JSON and per-run time series under --out.\n"
      "\n"
      "A run creates units until the object target is reached and min_s has\n"
      "passed, then stops as soon as trash and RSS are stable (Theil-Sen "
      "slope\n"
      "of the last 5 block maxima and medians, blocks of 8 samples: slope <= "
      "100\n"
      "(objects; KiB for RSS) and slope/level <= 0.05), at the latest after "
      "max_s.\n"
      "Any CYCLEGC_* variable (CYCLEGC_THRESHOLD, CYCLEGC_DEFER_CAP, ...) "
      "applies;\n"
      "--policy overrides CYCLEGC_TRIGGER.\n"
      "\n"
      "Flags (--name=value or --name value; booleans also --name / "
      "--noname):\n";
  std::vector<std::string> names;
  for (const auto& n : RunFlags()) names.push_back(n);
  for (const auto& n : CompareFlags()) {
    if (!RunFlags().count(n)) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    absl::CommandLineFlag* f = absl::FindCommandLineFlag(n);
    if (f == nullptr) continue;
    const char* scope = RunFlags().count(n) && CompareFlags().count(n)
                            ? "run, compare"
                        : RunFlags().count(n) ? "run"
                                              : "compare";
    absl::StrAppendFormat(
        &out, "  --%-11s %s\n  %-13s [%s; default: %s]\n", n, f->Help(), "",
        scope, f->DefaultValue().empty() ? "\"\"" : f->DefaultValue());
  }
  absl::StrAppend(&out,
                  "\nExit codes: 0 success, 1 a run or the library failed, 2 "
                  "bad command line.\n");
  return out;
}

absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args) {
  Invocation inv;
  if (args.size() < 2) {
    return Bad("missing command: 'run' or 'compare' (see --help)");
  }
  const std::string& command = args[1];
  if (command == "--help" || command == "-h" || command == "help" ||
      command == "-help" || command == "--helpfull") {
    inv.kind = Invocation::Kind::kHelp;
    return inv;
  }
  if (command != "run" && command != "compare") {
    return Bad(absl::StrFormat(
        "unknown command '%s': expected 'run' or 'compare' (see --help)",
        command));
  }
  const std::set<std::string>& allowed =
      command == "run" ? RunFlags() : CompareFlags();
  // Each parse starts from the defaults, whatever an earlier parse set.
  for (const std::set<std::string>* names : {&RunFlags(), &CompareFlags()}) {
    for (const std::string& n : *names) {
      absl::CommandLineFlag* f = absl::FindCommandLineFlag(n);
      std::string ignored;
      if (f != nullptr) f->ParseFrom(f->DefaultValue(), &ignored);
    }
  }
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h" || a == "-help") {
      inv.kind = Invocation::Kind::kHelp;
      return inv;
    }
    if (a.size() < 2 || a[0] != '-') {
      return Bad(
          absl::StrFormat("unexpected argument '%s' for '%s'", a, command));
    }
    if (absl::Status s = SetFlag(command, allowed, args, &i); !s.ok()) return s;
  }

  const double objects_flag = static_cast<double>(absl::GetFlag(FLAGS_objects));
  for (auto [name, v] :
       {std::pair<const char*, double>{"objects", objects_flag},
        {"min_s", absl::GetFlag(FLAGS_min_s)},
        {"max_s", absl::GetFlag(FLAGS_max_s)},
        {"sample_s", absl::GetFlag(FLAGS_sample_s)},
        {"threads", static_cast<double>(absl::GetFlag(FLAGS_threads))}}) {
    if (absl::Status s = CheckSentinel(name, v); !s.ok()) return s;
  }

  if (command == "run") {
    inv.kind = Invocation::Kind::kRun;
    RunOptions& r = inv.run;
    r.point.wl = absl::GetFlag(FLAGS_wl);
    r.point.cycle = absl::GetFlag(FLAGS_cycle);
    r.point.extra = absl::GetFlag(FLAGS_extra);
    r.point.live = absl::GetFlag(FLAGS_live);
    r.point.cyc = absl::GetFlag(FLAGS_cyc);
    r.policy = absl::GetFlag(FLAGS_policy);
    r.threads = OrDefault(absl::GetFlag(FLAGS_threads), 1);
    r.seed = absl::GetFlag(FLAGS_seed);
    r.objects = OrDefault<int64_t>(absl::GetFlag(FLAGS_objects), 1000000);
    r.min_s = OrDefault(absl::GetFlag(FLAGS_min_s), 10.0);
    r.max_s = OrDefault(absl::GetFlag(FLAGS_max_s), 60.0);
    r.sample_s = OrDefault(absl::GetFlag(FLAGS_sample_s), 0.25);
    r.series_out = absl::GetFlag(FLAGS_series_out);
    inv.result_out = absl::GetFlag(FLAGS_result_out);
    inv.header = absl::GetFlag(FLAGS_header);
    if (absl::Status s = ValidateRunOptions(r); !s.ok()) return s;
    return inv;
  }

  inv.kind = Invocation::Kind::kCompare;
  CompareOptions& c = inv.compare;
  for (absl::string_view b :
       absl::StrSplit(absl::GetFlag(FLAGS_base), ',', absl::SkipEmpty())) {
    c.bases.emplace_back(b);
  }
  if (c.bases.empty()) return Bad("--base: name at least one policy");
  for (const std::string& b : c.bases) {
    if (absl::Status s = ValidatePolicy("base", b); !s.ok()) return s;
  }
  c.new_policy = absl::GetFlag(FLAGS_new);
  if (absl::Status s = ValidatePolicy("new", c.new_policy); !s.ok()) return s;
  if (std::find(c.bases.begin(), c.bases.end(), c.new_policy) !=
      c.bases.end()) {
    return Bad(
        absl::StrFormat("--new=%s is also a --base: compare a policy "
                        "with a different one",
                        c.new_policy));
  }
  absl::StatusOr<Grid> grid = GetGrid(absl::GetFlag(FLAGS_grid));
  if (!grid.ok()) return grid.status();
  c.grid = *std::move(grid);
  if (absl::GetFlag(FLAGS_objects) >= 0) {
    c.grid.objects = absl::GetFlag(FLAGS_objects);
    c.grid.objects_by_wl.clear();
  }
  c.grid.min_s = OrDefault(absl::GetFlag(FLAGS_min_s), c.grid.min_s);
  c.grid.max_s = OrDefault(absl::GetFlag(FLAGS_max_s), c.grid.max_s);
  c.grid.sample_s = OrDefault(absl::GetFlag(FLAGS_sample_s), c.grid.sample_s);
  c.threads = OrDefault(absl::GetFlag(FLAGS_threads), c.grid.threads);
  c.repeats = absl::GetFlag(FLAGS_repeat);
  if (c.repeats < 1 || c.repeats > 20) {
    return Bad(
        absl::StrFormat("--repeat=%d: give 1 to 20 runs per point", c.repeats));
  }
  c.seed = absl::GetFlag(FLAGS_seed);
  c.out_dir = absl::GetFlag(FLAGS_out);
  c.progress = absl::GetFlag(FLAGS_progress);
  if (c.out_dir.empty()) return Bad("--out: give a directory");
  // The children validate their own options; checking here gives the error
  // before any child starts.
  RunOptions probe;
  probe.threads = c.threads;
  probe.objects = c.grid.objects;
  probe.min_s = c.grid.min_s;
  probe.max_s = c.grid.max_s;
  probe.sample_s = c.grid.sample_s;
  if (absl::Status s = ValidateRunOptions(probe); !s.ok()) return s;
  return inv;
}

}  // namespace cyclotron
