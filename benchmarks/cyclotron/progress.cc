#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace cyclotron {

std::string FormatDuration(double s) {
  if (s < 0) return "?";
  const int total = static_cast<int>(s + 0.5);
  return absl::StrFormat("%dm%02ds", total / 60, total % 60);
}

Progress::Progress(bool enabled, int total_runs, double prior_run_s)
    : enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0),
      total_(total_runs),
      prior_run_s_(prior_run_s),
      start_(absl::Now()) {}

void Progress::Show(int point, int points, const std::string& what) {
  if (!enabled_) return;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start_);
  const double per_run = done_ > 0 ? elapsed / done_ : prior_run_s_;
  const int left = total_ - done_ - skipped_;
  const double eta = per_run * left - (done_ > 0 ? 0 : elapsed);
  const std::string line = absl::StrFormat(
      "[cyclotron] point %d of %d (%s), run %d of %d, elapsed %s, ETA %s",
      point, points, what, done_ + skipped_ + 1, total_,
      FormatDuration(elapsed), FormatDuration(std::max(eta, 0.0)));
  if (tty_) {
    std::fprintf(stderr, "\r%-120s", line.c_str());
  } else if (line_shown_ != done_ + skipped_) {
    std::fprintf(stderr, "%s\n", line.c_str());
    line_shown_ = done_ + skipped_;
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_) return;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start_);
  if (tty_) std::fprintf(stderr, "\r%-120s\r", "");
  std::fprintf(stderr, "[cyclotron] %d runs in %s", done_,
               FormatDuration(elapsed).c_str());
  if (skipped_ > 0) {
    std::fprintf(stderr, " (%d more kept from the saved sweep)", skipped_);
  }
  std::fprintf(stderr, "\n");
}

}  // namespace cyclotron
