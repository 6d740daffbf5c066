// The trigger policies the harness accepts: the library's table
// (cgc_trigger_name), read by the flags, the runner and the help text.
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
