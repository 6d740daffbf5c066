#include "format.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace cyclotron {

std::string HumanCount(double v) {
  if (std::fabs(v) < 1000) return absl::StrFormat("%.0f", v);
  if (std::fabs(v) < 1e6) return absl::StrFormat("%.1fk", v / 1e3);
  if (std::fabs(v) < 1e9) return absl::StrFormat("%.1fM", v / 1e6);
  return absl::StrFormat("%.1fG", v / 1e9);
}

std::string HumanBytes(double bytes) {
  if (bytes < 0) return "?";
  const double mib = bytes / (1024.0 * 1024.0);
  if (mib < 1) return absl::StrFormat("%.0fK", bytes / 1024.0);
  if (mib < 1024) return absl::StrFormat("%.0fM", mib);
  return absl::StrFormat("%.1fG", mib / 1024.0);
}

std::string HumanTrash(double v) {
  if (v < 1000) return absl::StrFormat("%.0f", v);
  if (v < 1e6) return absl::StrFormat("%.0fk", v / 1e3);
  return absl::StrFormat("%.1fM", v / 1e6);
}

std::string Ratio(double new_value, double base_value) {
  if (!(base_value > 0) || new_value < 0) return "-";
  return absl::StrFormat("%.2f", new_value / base_value);
}

}  // namespace cyclotron
