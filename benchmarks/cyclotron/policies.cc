#include "policies.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cyclotron {

const std::vector<std::string>& PolicyNames() {
  static const auto* names =
      new std::vector<std::string>{"rss", "count", "fullpages", "paced"};
  return *names;
}

std::string PolicyList() { return absl::StrJoin(PolicyNames(), ", "); }

absl::Status ValidatePolicy(const std::string& flag, const std::string& name) {
  const std::vector<std::string>& names = PolicyNames();
  if (std::find(names.begin(), names.end(), name) != names.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "--%s='%s': accepted policies are %s", flag, name, PolicyList()));
}

}  // namespace cyclotron
