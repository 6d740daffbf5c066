// CSV and JSON of a comparison, and writing files.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "csv.h"
#include "json.h"
#include "report.h"

namespace cyclotron {
namespace {

double Time(const PointResult& r) { return r.t_target_s; }
double Rss(const PointResult& r) { return static_cast<double>(r.rss_peak); }
double Trash(const PointResult& r) { return static_cast<double>(r.trash_max); }
double Pause(const PointResult& r) { return r.pause_max_ms; }

// The figures of one side of a row, in the CSV's column order.
std::vector<std::pair<const char*, std::string>> Cells(const PointResult& r) {
  auto ms = [](double v) { return absl::StrFormat("%.3f", v); };
  return {{"policy", r.policy},
          {"t_target_s", absl::StrFormat("%.3f", r.t_target_s)},
          {"run_s", absl::StrFormat("%.3f", r.run_s)},
          {"created", absl::StrCat(r.created)},
          {"live_objects", absl::StrCat(r.live_objects)},
          {"live_bytes", absl::StrCat(r.live_bytes)},
          {"rss_peak", absl::StrCat(r.rss_peak)},
          {"rss_max", absl::StrCat(r.rss_max)},
          {"fpb_max", absl::StrCat(r.fpb_max)},
          {"trash_max", absl::StrCat(r.trash_max)},
          {"trash_sampled_max", absl::StrCat(r.trash_sampled_max)},
          {"collections", absl::StrCat(r.collections)},
          {"deferred", absl::StrCat(r.deferred)},
          {"pause_mean_ms", ms(r.pause_mean_ms)},
          {"pause_p50_ms", ms(r.pause_p50_ms)},
          {"pause_p95_ms", ms(r.pause_p95_ms)},
          {"pause_p99_ms", ms(r.pause_p99_ms)},
          {"pause_max_ms", ms(r.pause_max_ms)},
          {"pause_total_ms", ms(r.pause_total_ms)},
          {"trash_stable", r.trash_stable ? "1" : "0"},
          {"rss_stable", r.rss_stable ? "1" : "0"},
          {"runs", absl::StrCat(r.runs)},
          {"error", r.error}};
}

std::vector<std::pair<const char*, double>> Ratios(const ComparedPoint& p) {
  return {
      {"r_t", RatioValue(Time(p.next), Time(p.base))},
      {"r_rss", RatioValue(Rss(p.next), Rss(p.base))},
      {"r_trash", RatioValue(Trash(p.next), Trash(p.base))},
      {"r_pause", RatioValue(Pause(p.next), Pause(p.base))},
      {"t_t0", p.has_ceiling ? RatioValue(Time(p.next), Time(p.ceiling)) : -1}};
}

}  // namespace

double RatioValue(double n, double b) { return b > 0 && n >= 0 ? n / b : -1; }

std::string CompareCsv(const std::string& base_policy,
                       const std::string& new_policy, int threads,
                       const std::vector<ComparedPoint>& rows) {
  std::vector<std::string> head = {"base",  "new",   "threads", "wl",
                                   "cycle", "extra", "live",    "cyc"};
  for (const char* side : {"b_", "n_"}) {
    for (const auto& [name, v] : Cells(PointResult{})) {
      head.push_back(absl::StrCat(side, name));
    }
  }
  head.push_back("t0_target_s");
  for (const auto& [name, v] : Ratios(ComparedPoint{})) head.push_back(name);
  std::string out = CsvRow(head);
  for (const ComparedPoint& p : rows) {
    const PointSpec& s = p.next.point;
    std::vector<std::string> row = {
        base_policy,           new_policy,
        absl::StrCat(threads), s.wl,
        absl::StrCat(s.cycle), absl::StrCat(s.extra),
        absl::StrCat(s.live),  absl::StrCat(s.cyc)};
    for (const PointResult* r : {&p.base, &p.next}) {
      for (const auto& [name, v] : Cells(*r)) row.push_back(v);
    }
    row.push_back(p.has_ceiling ? absl::StrFormat("%.3f", p.ceiling.t_target_s)
                                : "");
    for (const auto& [name, v] : Ratios(p)) {
      row.push_back(absl::StrFormat("%.4f", v));
    }
    out += CsvRow(row);
  }
  return out;
}

std::string CompareJson(const std::string& base_policy,
                        const std::string& new_policy, int threads,
                        const std::vector<ComparedPoint>& rows,
                        const std::string& meta_json) {
  std::string out = absl::StrCat("{\"base\": ", JsonString(base_policy),
                                 ", \"new\": ", JsonString(new_policy),
                                 ", \"threads\": ", threads);
  if (!meta_json.empty()) absl::StrAppend(&out, ",\n \"meta\": ", meta_json);
  absl::StrAppend(&out, ",\n \"points\": [");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ComparedPoint& p = rows[i];
    std::string ratios;
    for (const auto& [name, v] : Ratios(p)) {
      // "r_rss" is "rss" there; "t_t0" stays.
      const char* key = name[0] == 'r' && name[1] == '_' ? name + 2 : name;
      absl::StrAppend(&ratios, ratios.empty() ? "" : ", ", "\"", key,
                      "\": ", JsonNumber(v));
    }
    absl::StrAppend(&out, i == 0 ? "\n  " : ",\n  ",
                    "{\"base\": ", ResultJson(p.base),
                    ",\n   \"new\": ", ResultJson(p.next));
    if (p.has_ceiling) {
      absl::StrAppend(&out, ",\n   \"ceiling\": ", ResultJson(p.ceiling));
    }
    absl::StrAppend(&out, ",\n   \"ratios\": {", ratios, "}}");
  }
  absl::StrAppend(&out, "\n]}\n");
  return out;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write '", path, "'"));
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    return absl::InternalError(absl::StrCat("error writing '", path, "'"));
  }
  return absl::OkStatus();
}

}  // namespace cyclotron
