#include "sweep.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "csv.h"
#include "json.h"
#include "report.h"

namespace cyclotron {
namespace {

std::string PointJson(const PointSpec& p) {
  return absl::StrFormat(
      "{\"wl\": %s, \"cycle\": %d, \"extra\": %d, \"live\": %d, \"cyc\": %d}",
      JsonString(p.wl), p.cycle, p.extra, p.live, p.cyc);
}

std::string StringList(const std::vector<std::string>& v) {
  std::vector<std::string> quoted;
  for (const std::string& s : v) quoted.push_back(JsonString(s));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

template <typename T>
bool Int(const JsonValue& v, T* out) {
  return v.kind == JsonValue::Kind::kNumber && absl::SimpleAtoi(v.text, out);
}
bool Double(const JsonValue& v, double* out) {
  return v.kind == JsonValue::Kind::kNumber && absl::SimpleAtod(v.text, out);
}
std::string Text(const JsonValue& v) { return v.text; }

absl::Status Bad(const std::string& what) {
  return absl::InvalidArgumentError("sweep file: " + what);
}

}  // namespace

std::string SweepStem(const std::string& out_dir, const std::string& grid,
                      int threads) {
  return absl::StrFormat("%s/sweep_%s_t%d", out_dir, grid, threads);
}

std::string MetaJson(const SweepMeta& m) {
  std::vector<std::string> points, by_wl, env;
  for (const PointSpec& p : m.grid.points) points.push_back(PointJson(p));
  for (const auto& [wl, n] : m.grid.objects_by_wl) {
    by_wl.push_back(absl::StrCat(JsonString(wl), ": ", n));
  }
  for (const auto& [k, v] : m.env) {
    env.push_back(absl::StrCat(JsonString(k), ": ", JsonString(v)));
  }
  return absl::StrCat(
      "{\"grid\": ", JsonString(m.grid.name), ", \"threads\": ", m.threads,
      ", \"repeats\": ", m.repeats, ", \"seed\": ", m.seed,
      ", \"new\": ", JsonString(m.new_policy),
      ", \"bases\": ", StringList(m.bases),
      ", \"ceiling\": ", m.ceiling ? "true" : "false",
      ", \"timeout_s\": ", JsonNumber(m.timeout_s),
      ",\n  \"objects\": ", m.grid.objects, ", \"objects_by_wl\": {",
      absl::StrJoin(by_wl, ", "), "}, \"min_s\": ", JsonNumber(m.grid.min_s),
      ", \"max_s\": ", JsonNumber(m.grid.max_s),
      ", \"sample_s\": ", JsonNumber(m.grid.sample_s), ",\n  \"points\": [",
      absl::StrJoin(points, ",\n    "), "],\n  \"date\": ", JsonString(m.date),
      ", \"commit\": ", JsonString(m.commit), ", \"cores\": ", m.cores,
      ",\n  \"env\": {", absl::StrJoin(env, ", "), "}}");
}

std::string SweepJson(const Sweep& s) {
  std::string out =
      absl::StrCat("{\"cyclotron_sweep\": 1,\n \"meta\": ", MetaJson(s.meta),
                   ",\n \"runs\": [");
  for (size_t i = 0; i < s.runs.size(); ++i) {
    const SweepRun& r = s.runs[i];
    absl::StrAppend(&out, i == 0 ? "\n  " : ",\n  ", "{\"point\": ", r.point,
                    ", \"policy\": ", JsonString(r.policy),
                    ", \"repeat\": ", r.repeat,
                    ", \"ceiling\": ", r.ceiling ? "true" : "false",
                    ", \"series\": ", JsonString(r.series),
                    ",\n   \"result\": ", ResultJson(r.result), "}");
  }
  return out + "\n]}\n";
}

absl::StatusOr<Sweep> ParseSweep(const std::string& text) {
  absl::StatusOr<JsonValue> doc = ParseJson(text);
  if (!doc.ok()) return doc.status();
  if ((*doc)["cyclotron_sweep"].text != "1") {
    return Bad("not a cyclotron sweep (no \"cyclotron_sweep\": 1)");
  }
  const JsonValue& m = (*doc)["meta"];
  Sweep s;
  SweepMeta& meta = s.meta;
  meta.grid.name = Text(m["grid"]);
  meta.new_policy = Text(m["new"]);
  for (const JsonValue& b : m["bases"].items) meta.bases.push_back(b.text);
  meta.ceiling = m["ceiling"].boolean;
  meta.date = Text(m["date"]);
  meta.commit = Text(m["commit"]);
  for (const auto& [k, v] : m["env"].fields) meta.env[k] = v.text;
  for (const auto& [wl, n] : m["objects_by_wl"].fields) {
    if (!Int(n, &meta.grid.objects_by_wl[wl])) return Bad("objects_by_wl");
  }
  if (!Int(m["threads"], &meta.threads) || !Int(m["repeats"], &meta.repeats) ||
      !Int(m["seed"], &meta.seed) || !Int(m["cores"], &meta.cores) ||
      !Int(m["objects"], &meta.grid.objects) ||
      !Double(m["timeout_s"], &meta.timeout_s) ||
      !Double(m["min_s"], &meta.grid.min_s) ||
      !Double(m["max_s"], &meta.grid.max_s) ||
      !Double(m["sample_s"], &meta.grid.sample_s)) {
    return Bad(
        "meta lacks a number (threads, repeats, seed, cores, objects, "
        "timeout_s, min_s, max_s, sample_s)");
  }
  meta.grid.threads = meta.threads;
  for (const JsonValue& p : m["points"].items) {
    PointSpec spec;
    spec.wl = Text(p["wl"]);
    if (!Int(p["cycle"], &spec.cycle) || !Int(p["extra"], &spec.extra) ||
        !Int(p["live"], &spec.live) || !Int(p["cyc"], &spec.cyc)) {
      return Bad("a point lacks cycle, extra, live or cyc");
    }
    meta.grid.points.push_back(spec);
  }
  for (const JsonValue& r : (*doc)["runs"].items) {
    SweepRun run;
    run.policy = Text(r["policy"]);
    run.ceiling = r["ceiling"].boolean;
    run.series = Text(r["series"]);
    if (!Int(r["point"], &run.point) || !Int(r["repeat"], &run.repeat) ||
        run.point < 0 ||
        run.point >= static_cast<int>(meta.grid.points.size())) {
      return Bad("a run lacks its point index or repeat");
    }
    absl::StatusOr<PointResult> result = ResultFromJson(r["result"]);
    if (!result.ok()) return Bad(std::string(result.status().message()));
    run.result = *std::move(result);
    s.runs.push_back(std::move(run));
  }
  return s;
}

absl::StatusOr<Sweep> LoadSweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Sweep> s = ParseSweep(text.str());
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", s.status().message()));
  }
  return s;
}

absl::Status SaveSweep(const Sweep& sweep, const std::string& stem) {
  const std::string tmp = stem + ".json.tmp";
  if (absl::Status s = WriteTextFile(tmp, SweepJson(sweep)); !s.ok()) return s;
  if (std::rename(tmp.c_str(), (stem + ".json").c_str()) != 0) {
    return absl::InternalError("cannot rename " + tmp);
  }
  std::string csv = CsvRow({"wl", "cycle", "extra", "live", "cyc", "threads",
                            "policy", "repeat", "ceiling", "series", "rss_peak",
                            "live_bytes", "error"});
  for (const SweepRun& r : sweep.runs) {
    const PointSpec& p = r.result.point;
    csv += CsvRow({p.wl, absl::StrCat(p.cycle), absl::StrCat(p.extra),
                   absl::StrCat(p.live), absl::StrCat(p.cyc),
                   absl::StrCat(sweep.meta.threads), r.policy,
                   absl::StrCat(r.repeat), r.ceiling ? "1" : "0", r.series,
                   absl::StrCat(r.result.rss_peak),
                   absl::StrCat(r.result.live_bytes),
                   r.result.error.empty() ? "0" : "1"});
  }
  return WriteTextFile(stem + ".runs.csv", csv);
}

std::string SettingsDiffer(const SweepMeta& a, const SweepMeta& b) {
  std::vector<std::string> d;
  auto check = [&d](const char* what, const std::string& saved,
                    const std::string& now) {
    if (saved != now)
      d.push_back(absl::StrCat(what, ": ", saved, " saved, ", now, " now"));
  };
  check("grid", a.grid.name, b.grid.name);
  check("threads", absl::StrCat(a.threads), absl::StrCat(b.threads));
  check("repeats", absl::StrCat(a.repeats), absl::StrCat(b.repeats));
  check("seed", absl::StrCat(a.seed), absl::StrCat(b.seed));
  check("new", a.new_policy, b.new_policy);
  check("bases", absl::StrJoin(a.bases, ","), absl::StrJoin(b.bases, ","));
  check("ceiling", a.ceiling ? "yes" : "no", b.ceiling ? "yes" : "no");
  auto env = [](const SweepMeta& m) {
    return absl::StrCat(
        "{", absl::StrJoin(m.env, " ", absl::PairFormatter("=")), "}");
  };
  check("CYCLEGC_*/MIMALLOC_* settings", env(a), env(b));
  // The points and run lengths, compared as the file writes them.
  SweepMeta pa = a, pb = b;
  for (SweepMeta* m : {&pa, &pb}) {
    m->date = m->commit = "";
    m->cores = 0;
    m->env.clear();
    m->timeout_s = 0;
    m->new_policy.clear();
    m->bases.clear();
  }
  if (d.empty() && MetaJson(pa) != MetaJson(pb)) {
    d.push_back("the grid's points or run lengths differ");
  }
  return absl::StrJoin(d, "; ");
}

}  // namespace cyclotron
