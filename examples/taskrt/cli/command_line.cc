#include "cli/command_line.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "cli/flags.h"

namespace taskrt {
namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  std::vector<const char*> flags;  // abseil names (underscores)
};

const std::vector<Subcommand>& Subcommands() {
  static const auto* table = new std::vector<Subcommand>{
      {"sessions",
       "session <-> worker-task cycles, with automatic collection off",
       {"dispatches", "break_cycle"}},
      {"fire-and-forget",
       "tasks held only by the loop and a weak registry, under collection",
       {"tasks", "delay_ticks", "loop_drops_waiting", "threshold"}},
      {"futures",
       "chains of tasks awaiting each other; the caller keeps the last future",
       {"chains", "length", "threshold"}},
      {"threads",
       "loops on threads handing tasks and futures to each other",
       {"threads", "tasks_per_thread", "threshold"}},
  };
  return *table;
}

const Subcommand* FindSubcommand(absl::string_view name) {
  for (const Subcommand& s : Subcommands()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string Dashed(absl::string_view flag) {
  return absl::StrCat("--", absl::StrReplaceAll(flag, {{"_", "-"}}));
}

std::string AcceptedFlags(const Subcommand& s) {
  std::vector<std::string> names;
  for (const char* f : s.flags) names.push_back(Dashed(f));
  names.push_back("--help");
  return absl::StrJoin(names, ", ");
}

bool Accepts(const Subcommand& s, absl::string_view flag) {
  for (const char* f : s.flags) {
    if (flag == f) return true;
  }
  return false;
}

absl::Status BadFlag(const Subcommand& s, absl::string_view arg,
                     absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %s '%s' (accepted: %s)", s.name, why, arg, AcceptedFlags(s)));
}

// Sets one flag from args[*i] (and args[*i + 1] for `--flag value`).
absl::Status ParseFlag(const Subcommand& s,
                       const std::vector<std::string>& args, size_t* i) {
  const std::string& arg = args[*i];
  absl::string_view body = arg;
  if (!absl::ConsumePrefix(&body, "--") && !absl::ConsumePrefix(&body, "-")) {
    return BadFlag(s, arg, "unexpected argument");
  }
  absl::string_view name_part = body.substr(0, body.find('='));
  const bool has_value = name_part.size() < body.size();
  std::string value =
      has_value ? std::string(body.substr(name_part.size() + 1)) : "";
  std::string name = absl::StrReplaceAll(name_part, {{"-", "_"}});

  bool negated = false;
  if (!Accepts(s, name) && absl::StartsWith(name, "no") &&
      Accepts(s, name.substr(2))) {
    name = name.substr(2);
    negated = true;
  }
  absl::CommandLineFlag* flag =
      Accepts(s, name) ? absl::FindCommandLineFlag(name) : nullptr;
  if (flag == nullptr) return BadFlag(s, arg, "unknown flag");
  const bool is_bool = flag->IsOfType<bool>();
  if (negated && (!is_bool || has_value))
    return BadFlag(s, arg, "unknown flag");
  if (!has_value) {
    if (is_bool) {
      value = negated ? "false" : "true";
    } else if (*i + 1 < args.size()) {
      value = args[++*i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: flag '%s' needs a value", s.name, Dashed(name)));
    }
  }
  std::string error;
  if (!flag->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: bad value '%s' for flag '%s': %s", s.name, value,
                        Dashed(name), error));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(absl::string_view flag, int64_t value, int64_t lo,
                        int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "flag '%s' is %d; accepted range %d..%d", Dashed(flag), value, lo, hi));
}

}  // namespace

absl::StatusOr<ParsedCommand> ParseCommandLine(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ParsedCommand parsed;
  if (args.empty()) return absl::InvalidArgumentError("missing subcommand");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    parsed.help = true;
    return parsed;
  }
  const Subcommand* s = FindSubcommand(args[0]);
  if (s == nullptr) {
    std::vector<std::string> names;
    for (const Subcommand& sub : Subcommands()) names.push_back(sub.name);
    return absl::InvalidArgumentError(
        absl::StrFormat("unknown subcommand '%s' (accepted: %s)", args[0],
                        absl::StrJoin(names, ", ")));
  }
  parsed.subcommand = s->name;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      parsed.help = true;
      continue;
    }
    if (absl::Status st = ParseFlag(*s, args, &i); !st.ok()) return st;
  }
  return parsed;
}

absl::Status ValidateFlags(const std::string& subcommand) {
  constexpr int64_t kMaxCount = 10'000'000;
  absl::Status st;
  if (subcommand == "sessions") {
    st.Update(CheckRange("dispatches", absl::GetFlag(FLAGS_dispatches), 1,
                         kMaxCount));
  } else if (subcommand == "fire-and-forget") {
    st.Update(CheckRange("tasks", absl::GetFlag(FLAGS_tasks), 1, kMaxCount));
    st.Update(
        CheckRange("delay_ticks", absl::GetFlag(FLAGS_delay_ticks), 1, 1000));
  } else if (subcommand == "futures") {
    st.Update(CheckRange("chains", absl::GetFlag(FLAGS_chains), 1, kMaxCount));
    st.Update(CheckRange("length", absl::GetFlag(FLAGS_length), 1, 1000));
  } else if (subcommand == "threads") {
    st.Update(CheckRange("threads", absl::GetFlag(FLAGS_threads), 1, 256));
    st.Update(CheckRange("tasks_per_thread",
                         absl::GetFlag(FLAGS_tasks_per_thread), 1, 1'000'000));
  }
  if (subcommand != "sessions") {
    st.Update(
        CheckRange("threshold", absl::GetFlag(FLAGS_threshold), 1, 1'000'000));
  }
  return st;
}

std::string Usage(const std::string& subcommand) {
  std::string out;
  if (subcommand.empty()) {
    absl::StrAppend(&out,
                    "usage: taskrt <subcommand> [flags]   (taskrt <subcommand> "
                    "--help for its "
                    "flags)\n\nsubcommands:\n");
    for (const Subcommand& s : Subcommands()) {
      absl::StrAppendFormat(&out, "  %-16s %s\n", s.name, s.summary);
    }
    absl::StrAppend(
        &out,
        "\nThe cyclegc runtime also reads CYCLEGC_* variables, e.g. "
        "CYCLEGC_DEBUG=census,stats.\n");
    return out;
  }
  const Subcommand* s = FindSubcommand(subcommand);
  if (s == nullptr) return Usage("");
  absl::StrAppendFormat(&out, "usage: taskrt %s [flags]\n  %s\n\nflags:\n",
                        s->name, s->summary);
  for (const char* f : s->flags) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(f);
    absl::StrAppendFormat(&out, "  %-22s %s (default: %s)\n", Dashed(f),
                          flag->Help(), flag->DefaultValue());
  }
  return out;
}

}  // namespace taskrt
