// cgc_init / cgc_shutdown: the one file above the three modules (runtime/,
// collect/, trigger/), bringing them up and down in order.
#include <cstddef>

#include "abi.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "alloc_hooks/alloc_hooks.h"
#include "config.h"
#include "cycle_report.h"
#include "last_error.h"
#include "lifecycle.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stall_report.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_lifecycle_mu(absl::kConstInit);

int InitLocked(const cgc_config* config)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_lifecycle_mu) {
  if (RuntimeInitialized()) {
    return SetLastError(
        CGC_ESTATE, "cgc_init: already initialised (call cgc_shutdown first)");
  }
  cgc_config imported;
  if (config != nullptr) {
    if (absl::Status s = ImportConfig(config, &imported); !s.ok()) {
      return SetLastError(CGC_EINVAL, absl::StrCat("cgc_init: ", s.message()));
    }
    config = &imported;
  }
  absl::StatusOr<Config> cfg = LoadConfig(config);
  if (!cfg.ok()) return SetLastError(CGC_EINVAL, cfg.status().message());
  SetStallReportMs(cfg->stall_report_ms);
  // A free block's type word is null (Dealloc nulls it, mimalloc nulls it in
  // blocks never handed out): the heap walk reads pages by content.
  if (absl::Status s = alloc::Init(offsetof(cgc_object, ob_type_)); !s.ok())
    return SetLastError(s);
  InstallForkHandlers();
  SetRuntimeInitialized(true);
  if (int rc = AttachCurrentThread(); rc != CGC_OK) {
    SetRuntimeInitialized(false);
    alloc::Shutdown();
    return rc;
  }
  if (absl::Status s = TriggerInit(*cfg); !s.ok()) {
    DetachCurrentThread();
    SetRuntimeInitialized(false);
    alloc::Shutdown();
    return SetLastError(s);
  }
  if (absl::Status s = CollectorInit(cfg->debug); !s.ok()) {
    TriggerShutdown();
    DetachCurrentThread();
    SetRuntimeInitialized(false);
    alloc::Shutdown();
    return SetLastError(s);
  }
  // cgc_config fields appended after 0.1 that the collector reads itself.
  if (config != nullptr) {
    CyclesConfigure((cfg->debug & CGC_DEBUG_CYCLES) != 0,
                    config->cycle_samples);
  }
  return CGC_OK;
}

}  // namespace
}  // namespace cyclegc::internal

extern "C" {

CGC_API int cgc_init(const cgc_config* config) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_lifecycle_mu);
  return ci::InitLocked(config);
}

CGC_API int cgc_shutdown(void) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_lifecycle_mu);
  if (!ci::RuntimeInitialized()) {
    return ci::SetLastError(CGC_ESTATE, "cgc_shutdown: not initialised");
  }
  // Other threads' heaps can only be detached on their own threads: shutting
  // down under them would free memory they still use.
  size_t others = 0;
  {
    absl::ReaderMutexLock registry_lock(&ci::RegistryMutex());
    others = ci::ThreadCount() - (ci::CurrentThread() != nullptr ? 1 : 0);
  }
  if (others != 0) {
    return ci::SetLastError(
        CGC_ESTATE, absl::StrFormat("cgc_shutdown: %u other thread(s) still "
                                    "attached; detach them first",
                                    others));
  }
  bool attached_here = ci::CurrentThread() != nullptr;
  if (!attached_here) attached_here = ci::AttachCurrentThread() == CGC_OK;
  if (attached_here) ci::CollectorShutdown();
  ci::TriggerShutdown();
  if (attached_here) ci::DetachCurrentThread();
  ci::ResetPerThreadIndices();
  ci::SetRuntimeInitialized(false);
  cyclegc::alloc::Shutdown();
  return CGC_OK;
}

}  // extern "C"
