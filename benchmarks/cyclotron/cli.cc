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
#include "cli_flags.h"
#include "policies.h"

namespace cyclotron {
namespace {

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
  if (AllFlags().count(name)) {
    flag = absl::FindCommandLineFlag(name);
  } else if (!value && absl::StartsWith(name, "no") &&
             AllFlags().count(name.substr(2))) {
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

absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args) {
  Invocation inv;
  if (args.size() < 2) {
    return Bad(
        "missing command: run, compare, report or compare-files (see "
        "--help)");
  }
  const std::string& command = args[1];
  if (command == "--help" || command == "-h" || command == "help" ||
      command == "-help" || command == "--helpfull") {
    inv.kind = Invocation::Kind::kHelp;
    return inv;
  }
  if (command != "run" && command != "compare" && command != "report" &&
      command != "compare-files") {
    return Bad(absl::StrFormat(
        "unknown command '%s': expected run, compare, report or "
        "compare-files (see --help)",
        command));
  }
  const std::set<std::string>& allowed = FlagsOf(command);
  // Each parse starts from the defaults, whatever an earlier parse set.
  for (const std::string& n : AllFlags()) {
    absl::CommandLineFlag* f = absl::FindCommandLineFlag(n);
    std::string ignored;
    if (f != nullptr) f->ParseFrom(f->DefaultValue(), &ignored);
  }
  const bool takes_files = command == "report" || command == "compare-files";
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h" || a == "-help") {
      inv.kind = Invocation::Kind::kHelp;
      return inv;
    }
    if (takes_files && (a.empty() || a[0] != '-')) {
      inv.files.push_back(a);
      continue;
    }
    if (a.size() < 2 || a[0] != '-') {
      return Bad(
          absl::StrFormat("unexpected argument '%s' for '%s'", a, command));
    }
    if (absl::Status s = SetFlag(command, allowed, args, &i); !s.ok()) return s;
  }
  if (takes_files) {
    const size_t want = command == "report" ? 1 : 2;
    if (inv.files.size() != want) {
      return Bad(absl::StrFormat("'%s' takes %s, not %d argument(s)", command,
                                 want == 1 ? "one sweep file (FILE.json)"
                                           : "two sweep files (A.json B.json)",
                                 inv.files.size()));
    }
    inv.kind =
        want == 1 ? Invocation::Kind::kReport : Invocation::Kind::kCompareFiles;
    return inv;
  }

  const double objects_flag = static_cast<double>(absl::GetFlag(FLAGS_objects));
  for (auto [name, v] :
       {std::pair<const char*, double>{"objects", objects_flag},
        {"min_s", absl::GetFlag(FLAGS_min_s)},
        {"max_s", absl::GetFlag(FLAGS_max_s)},
        {"sample_s", absl::GetFlag(FLAGS_sample_s)},
        {"timeout_s", absl::GetFlag(FLAGS_timeout_s)},
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
    inv.progress = absl::GetFlag(FLAGS_progress);
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
  c.ceiling = absl::GetFlag(FLAGS_ceiling);
  c.resume = absl::GetFlag(FLAGS_resume);
  const double timeout = absl::GetFlag(FLAGS_timeout_s);
  c.timeout_s = timeout == -1 ? 2 * c.grid.max_s + 60 : timeout;
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
