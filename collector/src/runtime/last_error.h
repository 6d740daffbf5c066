// cgc_last_error(): one message per thread (attached or not).
#ifndef CYCLEGC_COLLECTOR_LAST_ERROR_H_
#define CYCLEGC_COLLECTOR_LAST_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cyclegc::internal {

// Records `message` for cgc_last_error() and returns `code` (a CGC_E* value).
int SetLastError(int code, absl::string_view message);
// Maps a Status to a CGC_E* code and records its message.
int SetLastError(const absl::Status& status);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_LAST_ERROR_H_
