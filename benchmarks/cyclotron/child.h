// One `run` child of `compare`: this same program, fork+exec'd, its output in
// a log file and its result in a key=value file.
#ifndef CYCLOTRON_CHILD_H_
#define CYCLOTRON_CHILD_H_

#include <functional>
#include <string>
#include <vector>

#include "point_result.h"

namespace cyclotron {

struct ChildRun {
  std::vector<std::string> args;  // after the program name
  std::string result_path;
  std::string log_path;
  double timeout_s = 0;  // killed (SIGKILL) after this long; 0: never
};

// Runs the child to completion, calling `tick` about twice a second. A child
// that crashed, timed out or left no result becomes a result whose error says
// so, with the tail of its log; `point` and `policy` label it.
PointResult RunChild(const ChildRun& child, const PointSpec& point,
                     const std::string& policy,
                     const std::function<void()>& tick);

}  // namespace cyclotron

#endif  // CYCLOTRON_CHILD_H_
