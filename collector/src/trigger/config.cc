#include "config.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "abi.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "env_parse.h"
#include "policy_table.h"

namespace cyclegc::internal {
namespace {

using Limits = ConfigLimits;

// CYCLEGC_TRIGGER's accepted names, from the policy table.
std::span<const env::EnumName> TriggerNames() {
  static const std::vector<env::EnumName>* const names = [] {
    auto* v = new std::vector<env::EnumName>;
    for (const PolicyInfo& p : Policies()) {
      v->push_back({p.name, static_cast<int>(p.kind)});
    }
    return v;
  }();
  return *names;
}

// "CGC_TRIGGER_* in [0, 4] (fullpages, rss, count, paced, pressure)".
std::string ExpectedTriggerKinds() {
  std::string names;
  for (const PolicyInfo& p : Policies()) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", p.name);
  }
  return absl::StrFormat("a cgc_trigger_kind in [0, %d] (%s)",
                         Policies().size() - 1, names);
}

constexpr env::EnumName kDebugFlags[] = {
    {"stats", CGC_DEBUG_STATS},
    {"census", CGC_DEBUG_CENSUS},
    {"cycles", CGC_DEBUG_CYCLES},
};
constexpr unsigned kAllDebugFlags =
    CGC_DEBUG_STATS | CGC_DEBUG_CENSUS | CGC_DEBUG_CYCLES;

}  // namespace

Config ConfigFromUser(const cgc_config& user) {
  Config c;
  c.threshold = user.threshold;
  c.trigger = user.trigger;
  c.mem_growth = user.mem_growth;
  c.mem_min = user.mem_min;
  c.defer_cap = user.defer_cap;
  c.memory_limit = user.memory_limit;
  c.debug = user.debug;
  c.stall_report_ms = user.stall_report_ms;
  return c;
}

void ConfigToUser(const Config& c, cgc_config* out) {
  out->threshold = c.threshold;
  out->trigger = c.trigger;
  out->mem_growth = c.mem_growth;
  out->mem_min = c.mem_min;
  out->defer_cap = c.defer_cap;
  out->memory_limit = c.memory_limit;
  out->debug = c.debug;
  out->apply_env = 0;
  out->stall_report_ms = static_cast<unsigned>(c.stall_report_ms);
}

namespace {

absl::Status FieldError(absl::string_view field, absl::string_view value,
                        absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "cgc_config.%s=%s: out of range: expected %s", field, value, expected));
}

// Applies every CYCLEGC_* variable that is set and non-empty (an empty value
// counts as unset, as shells make it easy to produce one).
absl::Status ApplyEnvironment(const EnvLookup& getenv, Config* c) {
  auto value = [&](const char* name) -> const char* {
    const char* v = getenv(name);
    return (v != nullptr && *v != '\0') ? v : nullptr;
  };
  if (const char* v = value("CYCLEGC_THRESHOLD")) {
    auto r =
        env::ParseUnsigned("CYCLEGC_THRESHOLD", v, 0, Limits::kMaxThreshold);
    if (!r.ok()) return r.status();
    c->threshold = static_cast<size_t>(*r);
  }
  if (const char* v = value("CYCLEGC_TRIGGER")) {
    auto r = env::ParseEnum("CYCLEGC_TRIGGER", v, TriggerNames());
    if (!r.ok()) return r.status();
    c->trigger = static_cast<cgc_trigger_kind>(*r);
  }
  if (const char* v = value("CYCLEGC_MEM_GROWTH")) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(v), "auto")) {
      c->mem_growth = CGC_MEM_GROWTH_AUTO;
    } else {
      auto r = env::ParseFraction("CYCLEGC_MEM_GROWTH", v, 0.0,
                                  Limits::kMaxMemGrowth);
      if (!r.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            r.status().message(), "; or auto (the policy's own growth)"));
      }
      c->mem_growth = *r;
    }
  }
  if (const char* v = value("CYCLEGC_MEM_MIN")) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(v), "auto")) {
      c->mem_min = CGC_MEM_MIN_AUTO;
    } else {
      auto r = env::ParseByteSize("CYCLEGC_MEM_MIN", v, 0, Limits::kMaxMemMin);
      if (!r.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            r.status().message(), "; or auto (the policy's own floor)"));
      }
      c->mem_min = static_cast<size_t>(*r);
    }
  }
  if (const char* v = value("CYCLEGC_DEFER_CAP")) {
    auto r =
        env::ParseNumber("CYCLEGC_DEFER_CAP", v, 0.0, Limits::kMaxDeferCap);
    if (!r.ok()) return r.status();
    c->defer_cap = *r;
  }
  if (const char* v = value("CYCLEGC_MEMORY_LIMIT")) {
    auto r = env::ParseByteSize("CYCLEGC_MEMORY_LIMIT", v, 0,
                                Limits::kMaxMemoryLimit);
    if (!r.ok()) return r.status();
    c->memory_limit = static_cast<size_t>(*r);
  }
  if (const char* v = value("CYCLEGC_STALL_REPORT")) {
    auto r = env::ParseMilliseconds("CYCLEGC_STALL_REPORT", v,
                                    Limits::kMaxStallReportMs);
    if (!r.ok()) return r.status();
    c->stall_report_ms = *r;
  }
  if (const char* v = value("CYCLEGC_DEBUG")) {
    auto r = env::ParseFlagList("CYCLEGC_DEBUG", v, kDebugFlags);
    if (!r.ok()) return r.status();
    c->debug = *r;
  }
  return absl::OkStatus();
}

constexpr const char* kVariables[] = {
    "CYCLEGC_THRESHOLD", "CYCLEGC_TRIGGER",      "CYCLEGC_MEM_GROWTH",
    "CYCLEGC_MEM_MIN",   "CYCLEGC_DEFER_CAP",    "CYCLEGC_MEMORY_LIMIT",
    "CYCLEGC_DEBUG",     "CYCLEGC_STALL_REPORT",
};

}  // namespace

absl::Status ApplyConfigVariable(absl::string_view name, const char* value,
                                 Config* c) {
  bool known = false;
  for (const char* v : kVariables) known = known || name == v;
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrFormat("unknown setting '%s': expected one of %s", name,
                        absl::StrJoin(kVariables, ", ")));
  }
  if (value == nullptr || *value == '\0') {
    return absl::InvalidArgumentError(absl::StrFormat("%s: empty value", name));
  }
  Config next = *c;
  absl::Status s = ApplyEnvironment(
      [&](const char* n) { return name == n ? value : nullptr; }, &next);
  if (s.ok()) *c = next;
  return s;
}

absl::Status ValidateConfig(const Config& c) {
  if (c.threshold > Limits::kMaxThreshold) {
    return FieldError(
        "threshold", absl::StrCat(c.threshold),
        absl::StrCat("an integer in [0, ", Limits::kMaxThreshold, "]"));
  }
  if (FindPolicy(static_cast<int>(c.trigger)) == nullptr) {
    return FieldError("trigger", absl::StrCat(static_cast<int>(c.trigger)),
                      ExpectedTriggerKinds());
  }
  if (!(c.mem_growth >= 0.0 && c.mem_growth <= Limits::kMaxMemGrowth) &&
      c.mem_growth != CGC_MEM_GROWTH_AUTO) {
    return FieldError("mem_growth", absl::StrFormat("%g", c.mem_growth),
                      absl::StrFormat("a fraction in [0, %g] or "
                                      "CGC_MEM_GROWTH_AUTO",
                                      Limits::kMaxMemGrowth));
  }
  if (c.mem_min > Limits::kMaxMemMin && c.mem_min != CGC_MEM_MIN_AUTO) {
    return FieldError("mem_min", absl::StrCat(c.mem_min),
                      absl::StrCat("bytes in [0, ", Limits::kMaxMemMin,
                                   "] or CGC_MEM_MIN_AUTO"));
  }
  if (!(c.defer_cap >= 0.0 && c.defer_cap <= Limits::kMaxDeferCap)) {
    return FieldError("defer_cap", absl::StrFormat("%g", c.defer_cap),
                      absl::StrFormat("a multiple of threshold in [0, %g]",
                                      Limits::kMaxDeferCap));
  }
  if (c.memory_limit > Limits::kMaxMemoryLimit) {
    return FieldError(
        "memory_limit", absl::StrCat(c.memory_limit),
        absl::StrCat("bytes in [0, ", Limits::kMaxMemoryLimit, "] (0 = none)"));
  }
  if (c.stall_report_ms > Limits::kMaxStallReportMs) {
    return FieldError("stall_report_ms", absl::StrCat(c.stall_report_ms),
                      absl::StrCat("milliseconds in [0, ",
                                   Limits::kMaxStallReportMs, "] (0 = off)"));
  }
  if ((c.debug & ~kAllDebugFlags) != 0) {
    return FieldError("debug", absl::StrFormat("0x%x", c.debug),
                      "a combination of CGC_DEBUG_STATS, _CENSUS and _CYCLES");
  }
  return absl::OkStatus();
}

absl::StatusOr<Config> LoadConfigFrom(const cgc_config* user,
                                      const EnvLookup& getenv) {
  if (user != nullptr) {
    // A C caller may store any int in the enum field; loading an out-of-range
    // value as cgc_trigger_kind is undefined in C++, so check the raw bits.
    int raw_trigger;
    static_assert(sizeof(raw_trigger) == sizeof(user->trigger));
    std::memcpy(&raw_trigger, &user->trigger, sizeof(raw_trigger));
    if (FindPolicy(raw_trigger) == nullptr) {
      return FieldError("trigger", absl::StrCat(raw_trigger),
                        ExpectedTriggerKinds());
    }
  }
  Config c = user != nullptr ? ConfigFromUser(*user) : Config{};
  // Fields are checked before the environment overrides them: a bad field is
  // an embedder bug even when a variable happens to replace it.
  if (absl::Status s = ValidateConfig(c); !s.ok()) return s;
  if (user == nullptr || user->apply_env != 0) {
    if (absl::Status s = ApplyEnvironment(getenv, &c); !s.ok()) return s;
  }
  return c;
}

absl::StatusOr<Config> LoadConfig(const cgc_config* user) {
  return LoadConfigFrom(user,
                        [](const char* name) { return std::getenv(name); });
}

size_t MemMinFloor(const Config& config) {
  if (config.mem_min != CGC_MEM_MIN_AUTO) return config.mem_min;
  const PolicyInfo* p = FindPolicy(config.trigger);
  return p != nullptr ? p->default_mem_min : 128 * 1024;
}

double MemGrowth(const Config& config) {
  if (config.mem_growth != CGC_MEM_GROWTH_AUTO) return config.mem_growth;
  const PolicyInfo* p = FindPolicy(config.trigger);
  return p != nullptr ? p->default_mem_growth : 0.10;
}

const char* TriggerName(cgc_trigger_kind kind) {
  const PolicyInfo* p = FindPolicy(kind);
  return p != nullptr ? p->name : "unknown";
}

}  // namespace cyclegc::internal

void cyclegc::internal::FillConfigDefaults(cgc_config* config) {
  ConfigToUser(Config{}, config);
}
