// The public cgc_config through the struct-size scheme (abi.h): importing a
// caller's layout and cgc_config_default. Here, not in runtime/abi.cc, as the
// config and its limits (the cycle samples') belong to the higher modules.
#include <algorithm>
#include <cstring>

#include "abi.h"
#include "absl/strings/str_format.h"
#include "config.h"
#include "cycle_report.h"
#include "cycle_sampler.h"
#include "last_error.h"

namespace cyclegc::internal {

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

}  // namespace cyclegc::internal

extern "C" CGC_API int cgc_config_default_sized_(cgc_config* config,
                                                 size_t size) {
  namespace ci = cyclegc::internal;
  if (int rc = ci::CheckSizedOut("cgc_config_default", "config", config, size,
                                 ci::kConfigMinSize, "cgc_config");
      rc != CGC_OK) {
    return rc;
  }
  cgc_config d{};
  ci::FillConfigDefaults(&d);
  // A newer header's struct: the fields this library does not know stay zero.
  if (size > sizeof(cgc_config)) std::memset(config, 0, size);
  std::memcpy(config, &d, std::min(size, sizeof(cgc_config)));
  config->size = size;
  return CGC_OK;
}
