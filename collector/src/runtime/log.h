// The library's diagnostics: every line goes to the embedder's log sink
// (cgc_set_log_sink) or, by default, to stderr.
#ifndef CYCLEGC_COLLECTOR_LOG_H_
#define CYCLEGC_COLLECTOR_LOG_H_

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// One line, without its newline. Safe on any thread, also with the world
// stopped; never allocates beyond what formatting the line needed.
void Log(int level, absl::string_view line);

template <typename... Args>
void LogF(int level, const absl::FormatSpec<Args...>& format,
          const Args&... args) {
  Log(level, absl::StrFormat(format, args...));
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_LOG_H_
