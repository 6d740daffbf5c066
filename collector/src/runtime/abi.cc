#include "abi.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "last_error.h"

namespace cyclegc::internal {
namespace {

// A size beyond this is not a newer header's struct but an uninitialised or
// foreign one: its tail is not read.
constexpr size_t kMaxGrowth = 1024;

}  // namespace

absl::Status CheckStructSize(const char* what, const char* hint, const void* p,
                             size_t size, size_t min, size_t ours) {
  if (size < min || size > ours + kMaxGrowth) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.size=%u: expected the sizeof(%s) of a cyclegc.h this library "
        "supports (%u to %u bytes); set it with %s",
        what, size, what, min, ours, hint));
  }
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (size_t i = ours; i < size; ++i) {
    if (bytes[i] != 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.size=%u: built against a newer cyclegc.h whose fields past byte "
          "%u this libcyclegc %d.%d does not know, and byte %u is set",
          what, size, ours, CYCLEGC_VERSION_MAJOR, CYCLEGC_VERSION_MINOR, i));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckType(const cgc_type* type) {
  if (type->size == sizeof(cgc_type)) return absl::OkStatus();
  return CheckStructSize("cgc_type", ".size = sizeof(cgc_type)", type,
                         type->size, kTypeMinSize, sizeof(cgc_type));
}

int CheckSizedOut(const char* call, const char* arg, const void* out,
                  size_t size, size_t min, const char* type) {
  if (out == nullptr) {
    return SetLastError(CGC_EINVAL,
                        absl::StrFormat("%s: %s is NULL", call, arg));
  }
  if (size < min) {
    return SetLastError(
        CGC_EINVAL, absl::StrFormat("%s: size %u is smaller than any %s layout "
                                    "(%u bytes)",
                                    call, size, type, min));
  }
  return CGC_OK;
}

}  // namespace cyclegc::internal
