#include "point_spec.h"

#include "absl/strings/str_format.h"
#include "format.h"

namespace cyclotron {

absl::Status ValidatePointSpec(const PointSpec& spec) {
  if (spec.wl != "chain" && spec.wl != "tree" && spec.wl != "queue") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--wl='%s': accepted workloads are chain, tree and queue", spec.wl));
  }
  const int64_t min_cycle = spec.wl == "tree" ? 2 : 1;
  if (spec.cycle < min_cycle || spec.cycle > 1000000) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--cycle=%d: objects per unit must be in [%d, 1000000] for %s",
        spec.cycle, min_cycle, spec.wl));
  }
  if (spec.extra < 0 || spec.extra > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--extra=%d: payload bytes per unit must be in [0, 1073741824]",
        spec.extra));
  }
  if (spec.live < 1 || spec.live > 100000000) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--live=%d: live objects must be in [1, 100000000]", spec.live));
  }
  if (spec.cyc < 0 || spec.cyc > 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--cyc=%d: percent of cyclic units must be in [0, 100]", spec.cyc));
  }
  return absl::OkStatus();
}

std::string DescribePoint(const PointSpec& spec) {
  if (spec.wl == "queue") {  // a node is its own unit: no cycle length
    return absl::StrFormat(
        "queue e=%s l=%s cyc=%d%%", HumanCount(static_cast<double>(spec.extra)),
        HumanCount(static_cast<double>(spec.live)), spec.cyc);
  }
  return absl::StrFormat("%s c=%s e=%s l=%s cyc=%d%%", spec.wl,
                         HumanCount(static_cast<double>(spec.cycle)),
                         HumanCount(static_cast<double>(spec.extra)),
                         HumanCount(static_cast<double>(spec.live)), spec.cyc);
}

std::string PointKey(const PointSpec& spec) {
  return absl::StrFormat("%s_c%d_e%d_l%d_p%d", spec.wl, spec.cycle, spec.extra,
                         spec.live, spec.cyc);
}

}  // namespace cyclotron
