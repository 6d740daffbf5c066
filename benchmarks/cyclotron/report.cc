#include "report.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace cyclotron {
namespace {

std::string Seconds(double s) {
  return s < 0 ? std::string("-") : absl::StrFormat("%.2f", s);
}
std::string Yes(bool b) { return b ? "yes" : "no"; }

// Columns padded to the widest cell, right-aligned.
std::string Align(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += ' ';
      line += std::string(width[i] - row[i].size(), ' ') + row[i];
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

double Pause(const PointResult& r) { return r.pause_max_ms; }
double Time(const PointResult& r) { return r.t_target_s; }
double Rss(const PointResult& r) { return static_cast<double>(r.rss_peak); }
double Trash(const PointResult& r) { return static_cast<double>(r.trash_max); }

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) { return absl::StrFormat("%.6g", v); }

std::string RunJson(const PointResult& r) {
  return absl::StrCat(
      "{\"policy\": ", JsonString(r.policy),
      ", \"t_target_s\": ", JsonNumber(r.t_target_s),
      ", \"run_s\": ", JsonNumber(r.run_s), ", \"created\": ", r.created,
      ", \"rss_peak\": ", r.rss_peak, ", \"rss_max\": ", r.rss_max,
      ", \"rss_final\": ", r.rss_final,
      ", \"full_page_bytes_max\": ", r.fpb_max,
      ", \"trash_max\": ", r.trash_max,
      ", \"trash_sampled_max\": ", r.trash_sampled_max,
      ", \"trash_after_collect\": ", r.trash_after_collect,
      ", \"collections\": ", r.collections, ", \"deferred\": ", r.deferred,
      ", \"pause_max_ms\": ", JsonNumber(r.pause_max_ms),
      ", \"pause_p99_ms\": ", JsonNumber(r.pause_p99_ms),
      ", \"trash_stable\": ", r.trash_stable ? "true" : "false",
      ", \"rss_stable\": ", r.rss_stable ? "true" : "false",
      ", \"samples\": ", r.samples, ", \"error\": ", JsonString(r.error), "}");
}

double RatioValue(double n, double b) { return b > 0 && n >= 0 ? n / b : -1; }

// A queue node is its own unit: it has no cycle length.
std::string CycleCell(const PointSpec& p) {
  return p.wl == "queue" ? "-" : HumanCount(static_cast<double>(p.cycle));
}

}  // namespace

std::string FormatRunRow(const PointResult& r, bool header) {
  std::vector<std::vector<std::string>> rows;
  if (header) {
    rows.push_back({"wl", "cycle", "extra", "live", "liveset", "cyc%", "t(s)",
                    "rss", "trash", "pause", "stable"});
  }
  rows.push_back(
      {r.point.wl, CycleCell(r.point),
       HumanCount(static_cast<double>(r.point.extra)),
       HumanCount(static_cast<double>(r.point.live)),
       HumanBytes(static_cast<double>(r.live_bytes)), absl::StrCat(r.point.cyc),
       Seconds(r.t_target_s), HumanBytes(Rss(r)), HumanTrash(Trash(r)),
       absl::StrFormat("%.2f", r.pause_max_ms), Yes(r.trash_stable)});
  std::string out = Align(rows);
  absl::StrAppendFormat(
      &out,
      "# policy=%s threads=%d run=%.1fs created=%d collections=%d "
      "deferred=%d pause_p99=%.2fms full_pages_max=%s rss_sampled_max=%s "
      "trash_sampled_max=%d rss_stable=%s trash_after_collect=%d\n",
      r.policy, r.threads, r.run_s, r.created, r.collections, r.deferred,
      r.pause_p99_ms, HumanBytes(static_cast<double>(r.fpb_max)),
      HumanBytes(static_cast<double>(r.rss_max)), r.trash_sampled_max,
      Yes(r.rss_stable), r.trash_after_collect);
  if (!r.error.empty()) absl::StrAppend(&out, "# error: ", r.error, "\n");
  return out;
}

std::string FormatCompareTable(const std::string& base_policy,
                               const std::string& new_policy, int threads,
                               const std::vector<ComparedPoint>& rows) {
  std::set<std::string> wls;
  std::set<int> cycs;
  for (const ComparedPoint& p : rows) {
    wls.insert(p.next.point.wl);
    cycs.insert(p.next.point.cyc);
  }
  const bool show_wl = wls.size() > 1;
  const bool show_cyc = cycs.size() > 1;
  bool all_stable = true;
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> head;
  if (show_wl) head.push_back("wl");
  for (const char* h : {"cycle", "extra", "live", "liveset"}) {
    head.push_back(h);
  }
  if (show_cyc) head.push_back("cyc%");
  for (const char* h : {"t(s)", "r-t", "rss", "r-rss", "trash", "r-trash",
                        "pause", "r-pause", "stable"}) {
    head.push_back(h);
  }
  table.push_back(head);
  std::vector<std::string> errors;
  for (const ComparedPoint& p : rows) {
    const PointResult& b = p.base;
    const PointResult& n = p.next;
    std::vector<std::string> row;
    if (show_wl) row.push_back(n.point.wl);
    row.push_back(CycleCell(n.point));
    row.push_back(HumanCount(static_cast<double>(n.point.extra)));
    row.push_back(HumanCount(static_cast<double>(n.point.live)));
    row.push_back(HumanBytes(static_cast<double>(n.live_bytes)));
    if (show_cyc) row.push_back(absl::StrCat(n.point.cyc));
    const bool failed = !b.error.empty() || !n.error.empty();
    if (!b.error.empty())
      errors.push_back(DescribePoint(b.point) + " [" + base_policy +
                       "]: " + b.error);
    if (!n.error.empty())
      errors.push_back(DescribePoint(n.point) + " [" + new_policy +
                       "]: " + n.error);
    row.push_back(Seconds(n.t_target_s));
    row.push_back(Ratio(Time(n), Time(b)));
    row.push_back(HumanBytes(Rss(n)));
    row.push_back(Ratio(Rss(n), Rss(b)));
    row.push_back(HumanTrash(Trash(n)));
    row.push_back(Ratio(Trash(n), Trash(b)));
    row.push_back(absl::StrFormat("%.2f", n.pause_max_ms));
    row.push_back(Ratio(Pause(n), Pause(b)));
    row.push_back(failed ? "FAIL" : Yes(n.trash_stable));
    all_stable = all_stable && n.trash_stable && !failed;
    table.push_back(row);
  }
  int runs = 1;
  for (const ComparedPoint& p : rows)
    runs = std::max({runs, p.base.runs, p.next.runs});
  std::string out =
      runs > 1 ? absl::StrFormat(
                     "base=%s vs new=%s (threads=%d, median of %d runs)\n\n",
                     base_policy, new_policy, threads, runs)
               : absl::StrFormat("base=%s vs new=%s (threads=%d)\n\n",
                                 base_policy, new_policy, threads);
  absl::StrAppend(&out, Align(table), "\n");
  std::vector<std::string> uniform;
  if (!show_wl && !wls.empty()) uniform.push_back("wl: " + *wls.begin());
  if (!show_cyc && !cycs.empty()) {
    uniform.push_back(absl::StrCat("cyc%: ", *cycs.begin()));
  }
  if (!uniform.empty()) {
    absl::StrAppend(
        &out, "Uniform columns omitted: ", absl::StrJoin(uniform, ", "), "\n");
  }
  // The largest ratios, so a reader sees the worst row at a glance.
  auto worst = [&rows](const std::function<double(const PointResult&)>& f,
                       int64_t min_extra) {
    double w = -1;
    for (const ComparedPoint& p : rows) {
      if (p.next.point.extra < min_extra) continue;
      w = std::max(w, RatioValue(f(p.next), f(p.base)));
    }
    return w;
  };
  absl::StrAppendFormat(
      &out,
      "Max over rows: r-t %.2f, r-rss %.2f (rows with extra >= 100k: %.2f), "
      "r-trash %.2f, r-pause %.2f; new trash stable on every row: %s\n",
      worst(Time, 0), worst(Rss, 0), worst(Rss, 100000), worst(Trash, 0),
      worst(Pause, 0), Yes(all_stable));
  absl::StrAppend(&out,
                  "liveset: what the workload threads held at most "
                  "(allocator blocks of the objects and their payloads); "
                  "t(s): wall time to the object target; rss: peak RSS "
                  "(VmHWM); trash: max released-but-unfreed objects; pause: "
                  "max stopped-world ms; r-x = new/base; stable: new trash "
                  "stable at the end\n");
  for (const std::string& e : errors) absl::StrAppend(&out, "error: ", e, "\n");
  return out;
}

std::string CompareCsv(const std::string& base_policy,
                       const std::string& new_policy, int threads,
                       const std::vector<ComparedPoint>& rows) {
  const char* per_run[] = {"policy",       "t_target_s",   "run_s",
                           "created",      "rss_peak",     "rss_max",
                           "fpb_max",      "trash_max",    "trash_sampled_max",
                           "collections",  "deferred",     "pause_max_ms",
                           "pause_p99_ms", "trash_stable", "rss_stable",
                           "error"};
  std::vector<std::string> head = {"base",  "new",   "threads", "wl",
                                   "cycle", "extra", "live",    "cyc"};
  for (const char* side : {"b_", "n_"}) {
    for (const char* f : per_run) head.push_back(absl::StrCat(side, f));
  }
  for (const char* r : {"r_t", "r_rss", "r_trash", "r_pause"})
    head.push_back(r);
  std::string out = absl::StrJoin(head, ",") + "\n";
  auto cells = [](const PointResult& r) {
    std::string err = r.error;
    std::replace(err.begin(), err.end(), ',', ';');
    std::replace(err.begin(), err.end(), '"', '\'');
    return std::vector<std::string>{r.policy,
                                    absl::StrFormat("%.3f", r.t_target_s),
                                    absl::StrFormat("%.3f", r.run_s),
                                    absl::StrCat(r.created),
                                    absl::StrCat(r.rss_peak),
                                    absl::StrCat(r.rss_max),
                                    absl::StrCat(r.fpb_max),
                                    absl::StrCat(r.trash_max),
                                    absl::StrCat(r.trash_sampled_max),
                                    absl::StrCat(r.collections),
                                    absl::StrCat(r.deferred),
                                    absl::StrFormat("%.3f", r.pause_max_ms),
                                    absl::StrFormat("%.3f", r.pause_p99_ms),
                                    r.trash_stable ? "1" : "0",
                                    r.rss_stable ? "1" : "0",
                                    err};
  };
  for (const ComparedPoint& p : rows) {
    std::vector<std::string> row = {base_policy,
                                    new_policy,
                                    absl::StrCat(threads),
                                    p.next.point.wl,
                                    absl::StrCat(p.next.point.cycle),
                                    absl::StrCat(p.next.point.extra),
                                    absl::StrCat(p.next.point.live),
                                    absl::StrCat(p.next.point.cyc)};
    for (const std::string& c : cells(p.base)) row.push_back(c);
    for (const std::string& c : cells(p.next)) row.push_back(c);
    for (double v : {RatioValue(Time(p.next), Time(p.base)),
                     RatioValue(Rss(p.next), Rss(p.base)),
                     RatioValue(Trash(p.next), Trash(p.base)),
                     RatioValue(Pause(p.next), Pause(p.base))}) {
      row.push_back(absl::StrFormat("%.4f", v));
    }
    absl::StrAppend(&out, absl::StrJoin(row, ","), "\n");
  }
  return out;
}

std::string CompareJson(const std::string& base_policy,
                        const std::string& new_policy, int threads,
                        const std::vector<ComparedPoint>& rows) {
  std::string out = absl::StrCat("{\"base\": ", JsonString(base_policy),
                                 ", \"new\": ", JsonString(new_policy),
                                 ", \"threads\": ", threads, ", \"points\": [");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ComparedPoint& p = rows[i];
    absl::StrAppend(
        &out, i == 0 ? "\n  " : ",\n  ",
        "{\"wl\": ", JsonString(p.next.point.wl),
        ", \"cycle\": ", p.next.point.cycle,
        ", \"extra\": ", p.next.point.extra, ", \"live\": ", p.next.point.live,
        ", \"cyc\": ", p.next.point.cyc, ",\n   \"base\": ", RunJson(p.base),
        ",\n   \"new\": ", RunJson(p.next), ",\n   \"ratios\": {\"t\": ",
        JsonNumber(RatioValue(Time(p.next), Time(p.base))),
        ", \"rss\": ", JsonNumber(RatioValue(Rss(p.next), Rss(p.base))),
        ", \"trash\": ", JsonNumber(RatioValue(Trash(p.next), Trash(p.base))),
        ", \"pause\": ", JsonNumber(RatioValue(Pause(p.next), Pause(p.base))),
        "}}");
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
