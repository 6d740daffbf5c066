// One grid point: the workload and its parameters.
#ifndef CYCLOTRON_POINT_SPEC_H_
#define CYCLOTRON_POINT_SPEC_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace cyclotron {

struct PointSpec {
  std::string wl = "chain";  // "chain", "tree" or "queue"
  int64_t cycle = 10;        // objects per cyclic unit (queue: unused)
  int64_t extra = 100000;    // payload bytes per unit (queue: per node)
  int64_t live = 10000;      // objects held before the holder is dropped
                             // (queue: nodes in the window)
  int cyc = 100;             // percent of units (queue: nodes) made cyclic
};

// InvalidArgument naming the field, the value and the accepted range.
absl::Status ValidatePointSpec(const PointSpec& spec);

// "chain c=10 e=100k l=10k cyc=100%" (queue: no c=): for progress lines.
std::string DescribePoint(const PointSpec& spec);
// File-name-safe key: "chain_c10_e100000_l10000_p100".
std::string PointKey(const PointSpec& spec);

}  // namespace cyclotron

#endif  // CYCLOTRON_POINT_SPEC_H_
