#include "abi.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "cycle_report.h"
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

absl::Status ImportConfig(const cgc_config* user, cgc_config* out) {
  absl::Status s =
      CheckStructSize("cgc_config", "cgc_config_default()", user, user->size,
                      kConfigMinSize, sizeof(cgc_config));
  if (!s.ok()) return s;
  *out = cgc_config{};
  FillConfigDefaults(out);
  std::memcpy(out, user, std::min(user->size, sizeof(cgc_config)));
  out->size = sizeof(cgc_config);
  if (out->cycle_samples > CycleSampler::kMaxSamples) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cgc_config.cycle_samples=%u: out of range: expected an integer in "
        "[0, %u] (0 = the default, %u)",
        out->cycle_samples, CycleSampler::kMaxSamples, kDefaultCycleSamples));
  }
  return absl::OkStatus();
}

absl::Status CheckType(const cgc_type* type) {
  if (type->size == sizeof(cgc_type)) return absl::OkStatus();
  return CheckStructSize("cgc_type", ".size = sizeof(cgc_type)", type,
                         type->size, kTypeMinSize, sizeof(cgc_type));
}

}  // namespace cyclegc::internal

extern "C" CGC_API int cgc_config_default_sized_(cgc_config* config,
                                                 size_t size) {
  namespace ci = cyclegc::internal;
  if (config == nullptr) {
    return ci::SetLastError(CGC_EINVAL, "cgc_config_default: config is NULL");
  }
  if (size < ci::kConfigMinSize) {
    return ci::SetLastError(
        CGC_EINVAL, absl::StrFormat("cgc_config_default: size %u is smaller "
                                    "than any cgc_config layout (%u bytes)",
                                    size, ci::kConfigMinSize));
  }
  cgc_config d{};
  ci::FillConfigDefaults(&d);
  // A newer header's struct: the fields this library does not know stay zero.
  if (size > sizeof(cgc_config)) std::memset(config, 0, size);
  std::memcpy(config, &d, std::min(size, sizeof(cgc_config)));
  config->size = size;
  return CGC_OK;
}
