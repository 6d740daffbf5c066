#include "point_result.h"

#include <algorithm>
#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cyclotron {
namespace {

// One table drives both directions so a new field cannot be half-wired.
struct Field {
  enum class Kind { kNumber, kBool, kText };
  Kind kind;
  const char* key;
  std::function<std::string(const PointResult&)> get;
  std::function<bool(absl::string_view, PointResult&)> set;
};

template <typename T>
Field Num(const char* key, T PointResult::*member) {
  return {Field::Kind::kNumber, key,
          [member](const PointResult& r) { return absl::StrCat(r.*member); },
          [member](absl::string_view v, PointResult& r) {
            if constexpr (std::is_same_v<T, double>) {
              return absl::SimpleAtod(v, &(r.*member));
            } else {
              return absl::SimpleAtoi(v, &(r.*member));
            }
          }};
}

template <typename T>
Field SpecNum(const char* key, T PointSpec::*member) {
  return {
      Field::Kind::kNumber, key,
      [member](const PointResult& r) { return absl::StrCat(r.point.*member); },
      [member](absl::string_view v, PointResult& r) {
        return absl::SimpleAtoi(v, &(r.point.*member));
      }};
}

Field Bool(const char* key, bool PointResult::*member) {
  return {Field::Kind::kBool, key,
          [member](const PointResult& r) {
            return std::string(r.*member ? "1" : "0");
          },
          [member](absl::string_view v, PointResult& r) {
            if (v != "0" && v != "1") return false;
            r.*member = v == "1";
            return true;
          }};
}

Field Text(const char* key, std::string PointResult::*member) {
  return {Field::Kind::kText, key,
          [member](const PointResult& r) { return r.*member; },
          [member](absl::string_view v, PointResult& r) {
            r.*member = std::string(v);
            return true;
          }};
}

const std::vector<Field>& Fields() {
  static const auto* fields = new std::vector<Field>{
      {Field::Kind::kText, "wl",
       [](const PointResult& r) { return r.point.wl; },
       [](absl::string_view v, PointResult& r) {
         r.point.wl = std::string(v);
         return true;
       }},
      SpecNum("cycle", &PointSpec::cycle),
      SpecNum("extra", &PointSpec::extra),
      SpecNum("live", &PointSpec::live),
      SpecNum("cyc", &PointSpec::cyc),
      Num("threads", &PointResult::threads),
      Text("policy", &PointResult::policy),
      Num("t_target_s", &PointResult::t_target_s),
      Num("run_s", &PointResult::run_s),
      Num("objects_target", &PointResult::objects_target),
      Num("created", &PointResult::created),
      Num("live_objects", &PointResult::live_objects),
      Num("live_bytes", &PointResult::live_bytes),
      Num("rss_peak", &PointResult::rss_peak),
      Num("rss_max", &PointResult::rss_max),
      Num("rss_final", &PointResult::rss_final),
      Num("fpb_max", &PointResult::fpb_max),
      Num("trash_max", &PointResult::trash_max),
      Num("trash_sampled_max", &PointResult::trash_sampled_max),
      Num("trash_final", &PointResult::trash_final),
      Num("trash_after_collect", &PointResult::trash_after_collect),
      Num("collections", &PointResult::collections),
      Num("deferred", &PointResult::deferred),
      Num("pause_events", &PointResult::pause_events),
      Num("pause_mean_ms", &PointResult::pause_mean_ms),
      Num("pause_p50_ms", &PointResult::pause_p50_ms),
      Num("pause_p95_ms", &PointResult::pause_p95_ms),
      Num("pause_p99_ms", &PointResult::pause_p99_ms),
      Num("pause_max_ms", &PointResult::pause_max_ms),
      Num("pause_total_ms", &PointResult::pause_total_ms),
      Bool("trash_stable", &PointResult::trash_stable),
      Bool("rss_stable", &PointResult::rss_stable),
      Num("samples", &PointResult::samples),
      Text("error", &PointResult::error),
  };
  return *fields;
}

}  // namespace

std::string SerializeResult(const PointResult& r) {
  std::string out;
  for (const Field& f : Fields()) {
    std::string value = f.get(r);
    // One line per field: newlines in an error message become spaces.
    for (char& c : value) {
      if (c == '\n') c = ' ';
    }
    absl::StrAppend(&out, f.key, "=", value, "\n");
  }
  return out;
}

absl::StatusOr<PointResult> ParseResult(const std::string& text) {
  std::map<std::string, std::string, std::less<>> values;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    values[std::string(kv.first)] = std::string(kv.second);
  }
  PointResult r;
  for (const Field& f : Fields()) {
    auto it = values.find(f.key);
    if (it == values.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("result file lacks '", f.key, "'"));
    }
    if (!f.set(it->second, r)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "result file: bad value for '", f.key, "': '", it->second, "'"));
    }
  }
  return r;
}

std::string ResultJson(const PointResult& r) {
  std::string out = "{";
  for (const Field& f : Fields()) {
    if (out.size() > 1) out += ", ";
    const std::string v = f.get(r);
    absl::StrAppend(&out, "\"", f.key, "\": ",
                    f.kind == Field::Kind::kText ? JsonString(v)
                    : f.kind == Field::Kind::kBool
                        ? (v == "1" ? "true" : "false")
                        : v);
  }
  return out + "}";
}

absl::StatusOr<PointResult> ResultFromJson(const JsonValue& v) {
  PointResult r;
  for (const Field& f : Fields()) {
    const JsonValue& x = v[f.key];
    const JsonValue::Kind want =
        f.kind == Field::Kind::kText   ? JsonValue::Kind::kString
        : f.kind == Field::Kind::kBool ? JsonValue::Kind::kBool
                                       : JsonValue::Kind::kNumber;
    // Built whole rather than assigned a literal: GCC 12 -O3 reports a
    // false -Wrestrict on the assignment (a Release build with -Werror).
    const std::string text = x.kind == JsonValue::Kind::kBool
                                 ? std::string(x.boolean ? "1" : "0")
                                 : x.text;
    if (x.kind != want || !f.set(text, r)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "result: '", f.key, "' is missing or of the wrong type"));
    }
  }
  return r;
}

namespace {

// The middle value (the lower of the two middle ones for an even count).
template <typename T>
T Median(const std::vector<PointResult>& runs, T PointResult::*member) {
  std::vector<T> v;
  v.reserve(runs.size());
  for (const PointResult& r : runs) v.push_back(r.*member);
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

}  // namespace

PointResult MedianOfRuns(const std::vector<PointResult>& runs) {
  if (runs.empty()) {
    PointResult none;
    none.error = "no runs";
    return none;
  }
  for (const PointResult& r : runs) {
    if (!r.error.empty()) return r;
  }
  PointResult m = runs.front();
  m.runs = static_cast<int>(runs.size());
  for (auto member :
       {&PointResult::t_target_s, &PointResult::run_s,
        &PointResult::pause_mean_ms, &PointResult::pause_p50_ms,
        &PointResult::pause_p95_ms, &PointResult::pause_p99_ms,
        &PointResult::pause_max_ms, &PointResult::pause_total_ms}) {
    m.*member = Median(runs, member);
  }
  for (auto member :
       {&PointResult::objects_target, &PointResult::created,
        &PointResult::live_objects, &PointResult::live_bytes,
        &PointResult::rss_peak, &PointResult::rss_max, &PointResult::rss_final,
        &PointResult::fpb_max, &PointResult::trash_max,
        &PointResult::trash_sampled_max, &PointResult::trash_final,
        &PointResult::trash_after_collect, &PointResult::collections,
        &PointResult::deferred, &PointResult::pause_events,
        &PointResult::samples}) {
    m.*member = Median(runs, member);
  }
  m.trash_stable =
      std::all_of(runs.begin(), runs.end(),
                  [](const PointResult& r) { return r.trash_stable; });
  m.rss_stable = std::all_of(runs.begin(), runs.end(),
                             [](const PointResult& r) { return r.rss_stable; });
  return m;
}

}  // namespace cyclotron
