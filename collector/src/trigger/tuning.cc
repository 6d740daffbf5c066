// Tuning at run time: read and replace the settings while threads run
// (cgc_get_config, cgc_set_config, cgc_set_option). The same checks and
// messages as cgc_init's fields and CYCLEGC_* variables; an error changes
// nothing. The new policy takes over at the next decision with the counters
// the old one left (young, survivors, the memory baseline).
#include <algorithm>
#include <cstring>

#include "abi.h"
#include "absl/base/const_init.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "config.h"
#include "cyclegc/cyclegc.h"
#include "last_error.h"
#include "seams.h"
#include "stall_report.h"

namespace cyclegc::internal {
namespace {

// Serialises read-modify-write of the settings (cgc_set_option).
absl::Mutex g_tuning_mu(absl::kConstInit);

int Apply(const char* api, const Config& next)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_tuning_mu) {
  absl::Status s = TriggerReconfigure(next);
  if (!s.ok()) {
    return SetLastError(absl::IsFailedPrecondition(s) ? CGC_ESTATE : CGC_EINVAL,
                        absl::StrCat(api, ": ", s.message()));
  }
  CollectorSetDebug(next.debug);
  SetStallReportMs(next.stall_report_ms);
  return CGC_OK;
}

}  // namespace
}  // namespace cyclegc::internal

namespace ci = cyclegc::internal;

extern "C" {

CGC_API int cgc_get_config_sized_(cgc_config* out, size_t size) {
  if (int rc = ci::CheckSizedOut("cgc_get_config", "out", out, size,
                                 ci::kConfigMinSize, "cgc_config");
      rc != CGC_OK) {
    return rc;
  }
  absl::StatusOr<ci::Config> c = ci::TriggerConfig();
  if (!c.ok()) {
    return ci::SetLastError(
        CGC_ESTATE, absl::StrCat("cgc_get_config: ", c.status().message()));
  }
  // The caller's layout: fields this library knows, up to its size.
  cgc_config full{};
  ci::FillConfigDefaults(&full);
  ci::ConfigToUser(*c, &full);
  full.size = size;
  std::memcpy(out, &full, std::min(size, sizeof(cgc_config)));
  return CGC_OK;
}

CGC_API int cgc_set_config(const cgc_config* config) {
  if (config == nullptr) {
    return ci::SetLastError(CGC_EINVAL, "cgc_set_config: config is NULL");
  }
  cgc_config imported;
  if (absl::Status s = ci::ImportConfig(config, &imported); !s.ok()) {
    return ci::SetLastError(CGC_EINVAL,
                            absl::StrCat("cgc_set_config: ", s.message()));
  }
  // Checked as cgc_init checks its fields (the raw enum first: a C caller
  // may store any int there); the environment is not consulted.
  imported.apply_env = 0;
  absl::StatusOr<ci::Config> next =
      ci::LoadConfigFrom(&imported, [](const char*) { return nullptr; });
  if (!next.ok()) {
    return ci::SetLastError(
        CGC_EINVAL, absl::StrCat("cgc_set_config: ", next.status().message()));
  }
  absl::MutexLock lock(&ci::g_tuning_mu);
  return ci::Apply("cgc_set_config", *next);
}

CGC_API int cgc_set_option(const char* name, const char* value) {
  if (name == nullptr || value == nullptr) {
    return ci::SetLastError(CGC_EINVAL,
                            "cgc_set_option: name and value must not be NULL");
  }
  absl::MutexLock lock(&ci::g_tuning_mu);
  absl::StatusOr<ci::Config> c = ci::TriggerConfig();
  if (!c.ok()) {
    return ci::SetLastError(
        CGC_ESTATE, absl::StrCat("cgc_set_option: ", c.status().message()));
  }
  ci::Config next = *c;
  if (absl::Status s = ci::ApplyConfigVariable(name, value, &next); !s.ok()) {
    return ci::SetLastError(CGC_EINVAL, s.message());
  }
  return ci::Apply("cgc_set_option", next);
}

}  // extern "C"
