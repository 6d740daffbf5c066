#include "config.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "env_parse.h"

namespace cyclegc::internal {
namespace {

using Limits = ConfigLimits;

constexpr env::EnumName kTriggers[] = {
    {"fullpages", CGC_TRIGGER_FULLPAGES},
    {"rss", CGC_TRIGGER_RSS},
    {"count", CGC_TRIGGER_COUNT},
    {"paced", CGC_TRIGGER_PACED},
};

constexpr env::EnumName kDebugFlags[] = {
    {"stats", CGC_DEBUG_STATS},
    {"census", CGC_DEBUG_CENSUS},
};
constexpr unsigned kAllDebugFlags = CGC_DEBUG_STATS | CGC_DEBUG_CENSUS;

Config FromUser(const cgc_config& user) {
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
    auto r = env::ParseEnum("CYCLEGC_TRIGGER", v, kTriggers);
    if (!r.ok()) return r.status();
    c->trigger = static_cast<cgc_trigger_kind>(*r);
  }
  if (const char* v = value("CYCLEGC_MEM_GROWTH")) {
    auto r =
        env::ParseFraction("CYCLEGC_MEM_GROWTH", v, 0.0, Limits::kMaxMemGrowth);
    if (!r.ok()) return r.status();
    c->mem_growth = *r;
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

}  // namespace

absl::Status ValidateConfig(const Config& c) {
  if (c.threshold > Limits::kMaxThreshold) {
    return FieldError(
        "threshold", absl::StrCat(c.threshold),
        absl::StrCat("an integer in [0, ", Limits::kMaxThreshold, "]"));
  }
  if (TriggerName(c.trigger) == absl::string_view("unknown")) {
    return FieldError("trigger", absl::StrCat(static_cast<int>(c.trigger)),
                      "CGC_TRIGGER_FULLPAGES, CGC_TRIGGER_RSS, "
                      "CGC_TRIGGER_COUNT or CGC_TRIGGER_PACED");
  }
  if (!(c.mem_growth >= 0.0 && c.mem_growth <= Limits::kMaxMemGrowth)) {
    return FieldError(
        "mem_growth", absl::StrFormat("%g", c.mem_growth),
        absl::StrFormat("a fraction in [0, %g]", Limits::kMaxMemGrowth));
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
                      "a combination of CGC_DEBUG_STATS and CGC_DEBUG_CENSUS");
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
    if (raw_trigger < CGC_TRIGGER_FULLPAGES ||
        raw_trigger > CGC_TRIGGER_PACED) {
      return FieldError("trigger", absl::StrCat(raw_trigger),
                        "CGC_TRIGGER_FULLPAGES, CGC_TRIGGER_RSS, "
                        "CGC_TRIGGER_COUNT or CGC_TRIGGER_PACED");
    }
  }
  Config c = user != nullptr ? FromUser(*user) : Config{};
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
  return config.trigger == CGC_TRIGGER_FULLPAGES ? 64 * 1024 : 128 * 1024;
}

const char* TriggerName(cgc_trigger_kind kind) {
  switch (kind) {
    case CGC_TRIGGER_FULLPAGES:
      return "fullpages";
    case CGC_TRIGGER_RSS:
      return "rss";
    case CGC_TRIGGER_COUNT:
      return "count";
    case CGC_TRIGGER_PACED:
      return "paced";
  }
  return "unknown";
}

}  // namespace cyclegc::internal

extern "C" CGC_API void cgc_config_default(cgc_config* config) {
  if (config == nullptr) return;
  const cyclegc::internal::Config d;
  config->threshold = d.threshold;
  config->trigger = d.trigger;
  config->mem_growth = d.mem_growth;
  config->mem_min = d.mem_min;
  config->defer_cap = d.defer_cap;
  config->memory_limit = d.memory_limit;
  config->debug = d.debug;
  config->apply_env = 0;
  config->stall_report_ms = static_cast<unsigned>(d.stall_report_ms);
}
