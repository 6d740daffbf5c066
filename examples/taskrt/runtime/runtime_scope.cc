#include "runtime/runtime_scope.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/counters.h"
#include "runtime/task_registry.h"

namespace taskrt {

absl::StatusOr<std::unique_ptr<RuntimeScope>> RuntimeScope::Start(
    const cgc_config& config) {
  if (cgc_init(&config) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cgc_init: ", cgc_last_error()));
  }
  ResetCounters();
  return std::unique_ptr<RuntimeScope>(new RuntimeScope());
}

RuntimeScope::~RuntimeScope() {
  TaskRegistry::Global().Clear();
  cgc_shutdown();
}

cgc_config CountTriggerConfig(size_t threshold) {
  cgc_config config;
  cgc_config_default(&config);
  config.trigger = CGC_TRIGGER_COUNT;
  config.threshold = threshold;
  config.apply_env = 1;
  return config;
}

}  // namespace taskrt
