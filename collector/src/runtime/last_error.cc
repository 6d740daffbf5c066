#include "last_error.h"

#include <string>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {
namespace {

thread_local std::string t_last_error;

int CodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return CGC_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return CGC_EINVAL;
    case absl::StatusCode::kResourceExhausted:
      return CGC_ENOMEM;
    default:
      return CGC_ESTATE;
  }
}

}  // namespace

int SetLastError(int code, absl::string_view message) {
  t_last_error.assign(message.data(), message.size());
  return code;
}

int SetLastError(const absl::Status& status) {
  return SetLastError(CodeFor(status), status.message());
}

}  // namespace cyclegc::internal

extern "C" CGC_API const char* cgc_last_error(void) {
  return cyclegc::internal::t_last_error.c_str();
}
