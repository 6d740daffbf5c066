#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "format.h"
#include "report.h"

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
      "# policy=%s threads=%d run=%.1fs created=%d live_objects=%d "
      "collections=%d deferred=%d pause_ms: mean=%.3f p50=%.3f p95=%.3f "
      "p99=%.3f max=%.3f total=%.1f; full_pages_max=%s rss_sampled_max=%s "
      "trash_sampled_max=%d rss_stable=%s trash_after_collect=%d\n",
      r.policy, r.threads, r.run_s, r.created, r.live_objects, r.collections,
      r.deferred, r.pause_mean_ms, r.pause_p50_ms, r.pause_p95_ms,
      r.pause_p99_ms, r.pause_max_ms, r.pause_total_ms,
      HumanBytes(static_cast<double>(r.fpb_max)),
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
  const bool show_t0 =
      std::any_of(rows.begin(), rows.end(),
                  [](const ComparedPoint& p) { return p.has_ceiling; });
  const bool show_cyc = cycs.size() > 1;
  bool all_stable = true;
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> head;
  if (show_wl) head.push_back("wl");
  for (const char* h : {"cycle", "extra", "live", "liveset"}) {
    head.push_back(h);
  }
  if (show_cyc) head.push_back("cyc%");
  head.push_back("t(s)");
  head.push_back("r-t");
  if (show_t0) head.push_back("t/t0");
  for (const char* h :
       {"rss", "r-rss", "trash", "r-trash", "pause", "r-pause", "stable"}) {
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
    if (p.has_ceiling && !p.ceiling.error.empty())
      errors.push_back(DescribePoint(p.ceiling.point) + " [" + new_policy +
                       ", ceiling]: " + p.ceiling.error);
    row.push_back(Seconds(n.t_target_s));
    row.push_back(Ratio(Time(n), Time(b)));
    if (show_t0) {
      row.push_back(p.has_ceiling && p.ceiling.error.empty()
                        ? Ratio(Time(n), Time(p.ceiling))
                        : "-");
    }
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
                  "max stopped-world ms; r-x = new/base; stable: the new "
                  "policy's trash stopped growing (RSS: CSV/JSON)\n");
  if (show_t0) {
    absl::StrAppend(&out,
                    "t/t0: the new policy's t over its t at cyc=0 (the same "
                    "work freed by refcounting alone)\n");
  }
  for (const std::string& e : errors) absl::StrAppend(&out, "error: ", e, "\n");
  return out;
}

}  // namespace cyclotron
