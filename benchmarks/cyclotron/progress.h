// The progress line of `compare` (and `run`): on a terminal one line redrawn
// in place, otherwise one line per run (logs stay readable).
#ifndef CYCLOTRON_PROGRESS_H_
#define CYCLOTRON_PROGRESS_H_

#include <string>

#include "absl/time/time.h"

namespace cyclotron {

// "3m05s"; "?" for a negative duration.
std::string FormatDuration(double seconds);

class Progress {
 public:
  // `prior_run_s` estimates a run before any has finished.
  Progress(bool enabled, int total_runs, double prior_run_s);

  // Redraws "point k of n (what), run i of N, elapsed, ETA".
  void Show(int point, int points, const std::string& what);
  void RunDone() { ++done_; }
  // A run a resumed sweep already has: counted, not timed.
  void Skipped() { ++skipped_; }
  void Finish();

 private:
  bool enabled_;
  bool tty_;
  int total_;
  double prior_run_s_;
  absl::Time start_;
  int done_ = 0;
  int skipped_ = 0;
  int line_shown_ = -1;
};

}  // namespace cyclotron

#endif  // CYCLOTRON_PROGRESS_H_
