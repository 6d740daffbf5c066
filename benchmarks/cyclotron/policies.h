// The trigger policies the harness accepts: one list, read by the flags, the
// runner and the help text. When the library exports its table of policies,
// PolicyNames() reads it instead.
#ifndef CYCLOTRON_POLICIES_H_
#define CYCLOTRON_POLICIES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace cyclotron {

// Names as CYCLEGC_TRIGGER spells them.
const std::vector<std::string>& PolicyNames();

// "rss, count, fullpages, paced": for messages and help.
std::string PolicyList();

// InvalidArgument "--<flag>='<name>': accepted policies are ..." unless known.
absl::Status ValidatePolicy(const std::string& flag, const std::string& name);

}  // namespace cyclotron

#endif  // CYCLOTRON_POLICIES_H_
