// RuntimeScope: cgc_init on construction, cgc_shutdown on destruction, with
// the runtime's own weak references (the task registry) released in between.
// Declare it before any object or WeakRef of the run, so it ends last.
#ifndef TASKRT_RUNTIME_RUNTIME_SCOPE_H_
#define TASKRT_RUNTIME_RUNTIME_SCOPE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "cyclegc/cyclegc.h"

namespace taskrt {

class RuntimeScope {
 public:
  // Starts cyclegc with `config` (CYCLEGC_* variables override it when
  // config.apply_env is set) and zeroes the runtime's counters.
  static absl::StatusOr<std::unique_ptr<RuntimeScope>> Start(
      const cgc_config& config);
  ~RuntimeScope();
  RuntimeScope(const RuntimeScope&) = delete;
  RuntimeScope& operator=(const RuntimeScope&) = delete;

 private:
  RuntimeScope() = default;
};

// The defaults, with automatic collection by young count only (no memory
// deferral) at `threshold`, and CYCLEGC_* variables applied on top.
cgc_config CountTriggerConfig(size_t threshold);

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_RUNTIME_SCOPE_H_
