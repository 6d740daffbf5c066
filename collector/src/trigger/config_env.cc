// The CYCLEGC_* variables: reading them into a Config (each parsed and
// range-checked by env_parse.h), at init and one at a time at run time.
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "config.h"
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

constexpr env::EnumName kDebugFlags[] = {
    {"stats", CGC_DEBUG_STATS},
    {"census", CGC_DEBUG_CENSUS},
    {"cycles", CGC_DEBUG_CYCLES},
};

constexpr const char* kVariables[] = {
    "CYCLEGC_THRESHOLD", "CYCLEGC_TRIGGER",      "CYCLEGC_MEM_GROWTH",
    "CYCLEGC_MEM_MIN",   "CYCLEGC_DEFER_CAP",    "CYCLEGC_MEMORY_LIMIT",
    "CYCLEGC_DEBUG",     "CYCLEGC_STALL_REPORT",
};

}  // namespace

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

}  // namespace cyclegc::internal
