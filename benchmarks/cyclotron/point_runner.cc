#include "point_runner.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cyclegc/cyclegc.h"
#include "pause_log.h"
#include "policies.h"
#include "proc_memory.h"
#include "trash_counter.h"
#include "worker.h"

namespace cyclotron {

absl::Status ValidateRunOptions(const RunOptions& o) {
  if (absl::Status s = ValidatePointSpec(o.point); !s.ok()) return s;
  if (o.threads < 1 || o.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--threads=%d: must be in [1, 256]", o.threads));
  }
  if (!o.policy.empty()) {
    if (absl::Status s = ValidatePolicy("policy", o.policy); !s.ok()) return s;
  }
  if (o.objects < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--objects=%d: must be at least 1", o.objects));
  }
  if (!(o.sample_s >= 0.01 && o.sample_s <= 10)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--sample_s=%g: sampling period must be in [0.01, 10] seconds",
        o.sample_s));
  }
  if (!(o.min_s >= 0) || !(o.max_s > 0) || o.min_s > o.max_s) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--min_s=%g --max_s=%g: need 0 <= min_s <= max_s and max_s > 0",
        o.min_s, o.max_s));
  }
  if (o.group < 1 || o.blocks < 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--group=%d --blocks=%d: need group >= 1 and blocks >= 2", o.group,
        o.blocks));
  }
  return absl::OkStatus();
}

StabilityParams TrashStability(const RunOptions& o) {
  return StabilityParams{o.group, o.blocks, 100, 0.05};
}
StabilityParams RssStability(const RunOptions& o) {
  return StabilityParams{o.group, o.blocks, 100, 0.05};
}

namespace {

struct Sample {
  double t_s;
  int64_t rss;
  int64_t trash;       // at the sample
  int64_t trash_peak;  // highest since the previous sample
  int64_t fpb;
  int64_t created;
  int64_t collections;
};

absl::Status WriteSeries(const std::string& path,
                         const std::vector<Sample>& series) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("cannot write time series to '%s'", path));
  }
  std::fprintf(
      f,
      "t_s,rss_bytes,trash,trash_peak,full_page_bytes,created,collections\n");
  for (const Sample& s : series) {
    std::fprintf(f, "%.3f,%lld,%lld,%lld,%lld,%lld,%lld\n", s.t_s,
                 static_cast<long long>(s.rss), static_cast<long long>(s.trash),
                 static_cast<long long>(s.trash_peak),
                 static_cast<long long>(s.fpb),
                 static_cast<long long>(s.created),
                 static_cast<long long>(s.collections));
  }
  const bool ok = std::fclose(f) == 0;
  if (!ok) return absl::InternalError("error writing " + path);
  return absl::OkStatus();
}

// Keeps the largest value stored; callable from any thread.
void StoreMax(std::atomic<int64_t>& slot, int64_t v) {
  int64_t cur = slot.load(std::memory_order_relaxed);
  while (v > cur && !slot.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace

absl::StatusOr<PointResult> RunPoint(const RunOptions& o) {
  if (absl::Status s = ValidateRunOptions(o); !s.ok()) return s;
  // The policy goes through the environment so every other CYCLEGC_* setting
  // the user gave still applies through cgc_init(NULL).
  if (!o.policy.empty()) setenv("CYCLEGC_TRIGGER", o.policy.c_str(), 1);
  Counters().Reset();
  if (cgc_init(nullptr) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cgc_init failed: ", cgc_last_error()));
  }

  // Trash peaks right before a collection frees it: snapshot it there, so
  // the maximum is exact and each sample can carry the peak of its interval
  // (instantaneous samples of a fast sawtooth would be noise).
  std::atomic<int64_t> trash_max{0};
  std::atomic<int64_t> window_peak{0};
  PauseLog pauses([&trash_max, &window_peak] {
    const int64_t trash = Counters().Snapshot().trash();
    StoreMax(trash_max, trash);
    StoreMax(window_peak, trash);
  });
  if (pauses.Register() != 0) {
    std::string err = cgc_last_error();
    cgc_shutdown();
    return absl::FailedPreconditionError("cgc_callback_add failed: " + err);
  }

  // The sampler touches no objects: detached, it never delays a collection's
  // stop-the-world (stats and full-page bytes need no attached thread).
  cgc_thread_detach();

  WorkerShared shared;
  shared.objects_target = o.objects;
  shared.start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back(RunWorker, o.point, o.seed * 1000003 + i, &shared);
  }

  PointResult r;
  r.point = o.point;
  r.threads = o.threads;
  r.objects_target = o.objects;
  std::vector<Sample> series;
  std::vector<double> trash_series, rss_kib_series;
  const absl::Duration period = absl::Seconds(o.sample_s);
  absl::Time next = shared.start + period;
  while (true) {
    absl::SleepFor(next - absl::Now());
    next += period;
    const absl::Time now = absl::Now();
    const double t = absl::ToDoubleSeconds(now - shared.start);
    cgc_stats stats{};
    cgc_get_stats(&stats);
    const TrashSnapshot snap = Counters().Snapshot();
    const int64_t peak = std::max(window_peak.exchange(0), snap.trash());
    const Sample s{t,
                   CurrentRssBytes(),
                   snap.trash(),
                   peak,
                   static_cast<int64_t>(cgc_full_page_bytes()),
                   snap.created,
                   static_cast<int64_t>(stats.collections)};
    series.push_back(s);
    trash_series.push_back(static_cast<double>(s.trash_peak));
    rss_kib_series.push_back(static_cast<double>(s.rss) / 1024.0);
    StoreMax(trash_max, s.trash);
    r.trash_sampled_max = std::max(r.trash_sampled_max, s.trash);
    r.rss_max = std::max(r.rss_max, s.rss);
    r.fpb_max = std::max(r.fpb_max, s.fpb);
    r.trash_stable = JudgeStability(trash_series, TrashStability(o)).stable;
    r.rss_stable = JudgeStability(rss_kib_series, RssStability(o)).stable;
    if (o.on_sample) {
      o.on_sample(SampleView{t, snap.created, s.rss, s.trash, s.collections,
                             r.trash_stable, r.rss_stable});
    }
    if (shared.failed.load()) break;
    if (t >= o.max_s) break;
    const bool long_enough = snap.created >= o.objects && t >= o.min_s;
    if (long_enough && r.trash_stable && r.rss_stable) break;
  }
  shared.stop.store(true);
  for (std::thread& th : threads) th.join();
  r.run_s = absl::ToDoubleSeconds(absl::Now() - shared.start);
  r.live_objects = shared.live_objects.load();
  r.live_bytes = shared.live_bytes.load();

  cgc_stats stats{};
  cgc_get_stats(&stats);
  r.policy = stats.trigger_name != nullptr ? stats.trigger_name : "?";
  r.collections = static_cast<int64_t>(stats.collections);
  r.deferred = static_cast<int64_t>(stats.collections_deferred);
  const PauseLog::Summary pause = pauses.Summarize();
  r.pause_events = pause.stops;
  r.pause_mean_ms = pause.mean_ms;
  r.pause_p50_ms = pause.p50_ms;
  r.pause_p95_ms = pause.p95_ms;
  r.pause_p99_ms = pause.p99_ms;
  r.pause_max_ms = pause.max_ms;
  r.pause_total_ms = pause.total_ms;
  const int64_t target_ns = shared.target_ns.load();
  r.t_target_s = target_ns < 0 ? -1 : static_cast<double>(target_ns) / 1e9;
  r.rss_peak = PeakRssBytes();
  r.samples = static_cast<int64_t>(series.size());
  if (!series.empty()) {
    r.rss_final = series.back().rss;
    r.trash_final = series.back().trash;
  }
  pauses.Unregister();
  r.trash_max = trash_max.load();
  {
    absl::MutexLock lock(&shared.mu);
    r.error = shared.error;
  }
  // Every released object must be freed once the cycles are collected:
  // what remains is a leak in the harness or the library.
  if (cgc_thread_attach() != 0 && r.error.empty()) {
    r.error = absl::StrCat("cgc_thread_attach: ", cgc_last_error());
  }
  cgc_collect();
  const TrashSnapshot end = Counters().Snapshot();
  r.created = end.created;
  r.trash_after_collect = end.trash();
  if (r.error.empty() && end.released != end.created) {
    r.error = absl::StrFormat("accounting: %d created but %d released",
                              end.created, end.released);
  }
  if (r.error.empty() && end.trash() != 0) {
    r.error = absl::StrFormat(
        "%d released objects still unfreed after the final cgc_collect()",
        end.trash());
  }
  cgc_shutdown();
  if (!o.series_out.empty()) {
    if (absl::Status s = WriteSeries(o.series_out, series); !s.ok()) return s;
  }
  return r;
}

}  // namespace cyclotron
