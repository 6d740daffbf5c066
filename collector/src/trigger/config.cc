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

// "CGC_TRIGGER_* in [0, 4] (fullpages, rss, count, paced, pressure)".
std::string ExpectedTriggerKinds() {
  std::string names;
  for (const PolicyInfo& p : Policies()) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", p.name);
  }
  return absl::StrFormat("a cgc_trigger_kind in [0, %d] (%s)",
                         Policies().size() - 1, names);
}

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

}  // namespace

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
