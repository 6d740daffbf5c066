#include "log.h"

#include <cstdio>
#include <string>

#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace cyclegc::internal {
namespace {

// A reader lock around the call: a sink being replaced is never called after
// cgc_set_log_sink returns, and lines from many threads may log at once.
absl::Mutex g_mu(absl::kConstInit);
cgc_log_fn g_sink ABSL_GUARDED_BY(g_mu) = nullptr;
void* g_arg ABSL_GUARDED_BY(g_mu) = nullptr;

}  // namespace

void Log(int level, absl::string_view line) {
  absl::ReaderMutexLock lock(&g_mu);
  if (g_sink == nullptr) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    return;
  }
  // The sink gets a NUL-terminated line.
  const std::string copy(line);
  g_sink(level, copy.c_str(), g_arg);
}

}  // namespace cyclegc::internal

extern "C" CGC_API void cgc_set_log_sink(cgc_log_fn fn, void* arg) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_mu);
  ci::g_sink = fn;
  ci::g_arg = fn != nullptr ? arg : nullptr;
}
