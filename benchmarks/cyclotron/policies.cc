#include "policies.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cyclegc/cyclegc.h"

namespace cyclotron {

const std::vector<std::string>& PolicyNames() {
  // The library's table, through its public lookup: a new policy needs no
  // change here.
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    for (int k = 0;; ++k) {
      const char* name = cgc_trigger_name(static_cast<cgc_trigger_kind>(k));
      if (name == nullptr) break;
      v->push_back(name);
    }
    return v;
  }();
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
