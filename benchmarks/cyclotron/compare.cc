#include "compare.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "child.h"
#include "progress.h"
#include "report.h"

namespace cyclotron {
namespace {

absl::Status MakeDirs(const std::string& path) {
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      const std::string partial = path.substr(0, i);
      if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "cannot create directory '%s': %s", partial, std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

SweepMeta MetaOf(const CompareOptions& o) {
  SweepMeta m;
  m.grid = o.grid;
  m.grid.threads = o.threads;
  m.threads = o.threads;
  m.repeats = o.repeats;
  m.seed = o.seed;
  m.new_policy = o.new_policy;
  m.bases = o.bases;
  m.ceiling = o.ceiling;
  m.timeout_s = o.timeout_s;
  DescribeMachine(m);
  return m;
}

bool Done(const Sweep& s, int point, const std::string& policy, int rep,
          bool ceiling) {
  for (const SweepRun& r : s.runs) {
    if (r.point == point && r.policy == policy && r.repeat == rep &&
        r.ceiling == ceiling) {
      return true;
    }
  }
  return false;
}

// The sweep to continue: the saved one if resuming with the same settings,
// else an empty one. Failed runs are dropped so they run again.
absl::StatusOr<Sweep> StartSweep(const CompareOptions& o,
                                 const std::string& stem) {
  Sweep sweep;
  sweep.meta = MetaOf(o);
  if (!o.resume) return sweep;
  absl::StatusOr<Sweep> saved = LoadSweep(stem + ".json");
  if (absl::IsNotFound(saved.status())) return sweep;
  if (!saved.ok()) return saved.status();
  if (std::string d = SettingsDiffer(saved->meta, sweep.meta); !d.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--resume: ", stem, ".json was run with other settings (",
                     d, "); run without --resume to start over"));
  }
  sweep.meta.date = saved->meta.date;  // the sweep's start
  for (SweepRun& r : saved->runs) {
    if (r.result.error.empty()) sweep.runs.push_back(std::move(r));
  }
  return sweep;
}

}  // namespace

std::vector<std::string> ChildArgs(const CompareOptions& o,
                                   const PointSpec& point,
                                   const std::string& policy,
                                   const std::string& result_path,
                                   const std::string& series_path) {
  return {"run",
          absl::StrCat("--wl=", point.wl),
          absl::StrCat("--cycle=", point.cycle),
          absl::StrCat("--extra=", point.extra),
          absl::StrCat("--live=", point.live),
          absl::StrCat("--cyc=", point.cyc),
          absl::StrCat("--policy=", policy),
          absl::StrCat("--threads=", o.threads),
          absl::StrCat("--seed=", o.seed),
          absl::StrCat("--objects=", ObjectsFor(o.grid, point)),
          absl::StrFormat("--min_s=%g", o.grid.min_s),
          absl::StrFormat("--max_s=%g", o.grid.max_s),
          absl::StrFormat("--sample_s=%g", o.grid.sample_s),
          "--noprogress",
          absl::StrCat("--result_out=", result_path),
          absl::StrCat("--series_out=", series_path)};
}

absl::Status WriteOutcome(const std::string& out_dir, const SweepMeta& meta,
                          const CompareOutcome& o) {
  const std::string stem = absl::StrFormat("%s/compare_%s_vs_%s_t%d", out_dir,
                                           o.base, o.next, o.threads);
  if (absl::Status s = WriteTextFile(
          stem + ".csv", CompareCsv(o.base, o.next, o.threads, o.rows));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = WriteTextFile(
          stem + ".json",
          CompareJson(o.base, o.next, o.threads, o.rows, MetaJson(meta)));
      !s.ok()) {
    return s;
  }
  return WriteTextFile(stem + ".txt",
                       FormatCompareTable(o.base, o.next, o.threads, o.rows));
}

absl::StatusOr<std::vector<CompareOutcome>> RunCompare(
    const CompareOptions& o) {
  for (const char* sub : {"", "/runs", "/series", "/logs"}) {
    if (absl::Status s = MakeDirs(o.out_dir + sub); !s.ok()) return s;
  }
  const std::string stem = SweepStem(o.out_dir, o.grid.name, o.threads);
  absl::StatusOr<Sweep> started = StartSweep(o, stem);
  if (!started.ok()) return started.status();
  Sweep sweep = *std::move(started);
  // Each policy runs once per point and repeat, even when it is the new side
  // of several comparisons; the ceiling is the new policy at cyc=0.
  std::vector<std::pair<std::string, bool>> kinds;
  for (const std::string& b : o.bases) kinds.emplace_back(b, false);
  kinds.emplace_back(o.new_policy, false);
  if (o.ceiling) kinds.emplace_back(o.new_policy, true);
  const int points = static_cast<int>(o.grid.points.size());
  Progress progress(o.progress,
                    points * o.repeats * static_cast<int>(kinds.size()),
                    o.grid.min_s + 1.5);
  for (int i = 0; i < points; ++i) {
    // Repeats interleave the policies, so a slow spell of the machine hits
    // every policy alike.
    for (int rep = 1; rep <= o.repeats; ++rep) {
      for (const auto& [policy, ceiling] : kinds) {
        if (Done(sweep, i, policy, rep, ceiling)) {
          progress.Skipped();
          continue;
        }
        PointSpec point = o.grid.points[static_cast<size_t>(i)];
        if (ceiling) point.cyc = 0;
        std::string name =
            absl::StrFormat("%s_%s_t%d", PointKey(point), policy, o.threads);
        if (o.repeats > 1) absl::StrAppend(&name, "_r", rep);
        const std::string series = "series/" + name + ".csv";
        ChildRun child;
        child.result_path = o.out_dir + "/runs/" + name + ".txt";
        child.log_path = o.out_dir + "/logs/" + name + ".log";
        child.timeout_s = o.timeout_s;
        child.args = ChildArgs(o, point, policy, child.result_path,
                               o.out_dir + "/" + series);
        std::string what = DescribePoint(point) + ", " + policy;
        if (o.repeats > 1) absl::StrAppend(&what, " #", rep);
        auto tick = [&] { progress.Show(i + 1, points, what); };
        tick();
        sweep.runs.push_back(SweepRun{i, policy, rep, ceiling, series,
                                      RunChild(child, point, policy, tick)});
        progress.RunDone();
        if (absl::Status s = SaveSweep(sweep, stem); !s.ok()) return s;
      }
    }
  }
  progress.Finish();
  if (absl::Status s = SaveSweep(sweep, stem); !s.ok()) return s;
  std::vector<CompareOutcome> outcomes = SweepOutcomes(sweep);
  for (const CompareOutcome& outcome : outcomes) {
    if (absl::Status s = WriteOutcome(o.out_dir, sweep.meta, outcome);
        !s.ok()) {
      return s;
    }
  }
  return outcomes;
}

}  // namespace cyclotron
