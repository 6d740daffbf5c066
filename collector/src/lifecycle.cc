// cgc_init / cgc_shutdown and the thread attach/detach entry points.
#include "lifecycle.h"

#include <atomic>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "alloc_hooks/alloc_hooks.h"
#include "last_error.h"
#include "refcount.h"
#include "registry.h"
#include "seams.h"
#include "stall_report.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_lifecycle_mu(absl::kConstInit);
std::atomic<bool> g_initialized{false};

int InitLocked(const cgc_config* config)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_lifecycle_mu) {
  if (g_initialized.load()) {
    return SetLastError(
        CGC_ESTATE, "cgc_init: already initialised (call cgc_shutdown first)");
  }
  absl::StatusOr<Config> cfg = LoadConfig(config);
  if (!cfg.ok()) return SetLastError(CGC_EINVAL, cfg.status().message());
  SetStallReportMs(cfg->stall_report_ms);
  if (absl::Status s = alloc::Init(); !s.ok()) return SetLastError(s);
  InstallForkHandlers();
  g_initialized.store(true);
  if (int rc = AttachCurrentThread(); rc != CGC_OK) {
    g_initialized.store(false);
    alloc::Shutdown();
    return rc;
  }
  if (absl::Status s = TriggerInit(*cfg); !s.ok()) {
    DetachCurrentThread();
    g_initialized.store(false);
    alloc::Shutdown();
    return SetLastError(s);
  }
  if (absl::Status s = CollectorInit(*cfg); !s.ok()) {
    TriggerShutdown();
    DetachCurrentThread();
    g_initialized.store(false);
    alloc::Shutdown();
    return SetLastError(s);
  }
  return CGC_OK;
}

}  // namespace

bool RuntimeInitialized() {
  return g_initialized.load(std::memory_order_acquire);
}

}  // namespace cyclegc::internal

extern "C" {

CGC_API int cgc_init(const cgc_config* config) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_lifecycle_mu);
  return ci::InitLocked(config);
}

CGC_API void cgc_shutdown(void) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_lifecycle_mu);
  if (!ci::g_initialized.load()) {
    ci::SetLastError(CGC_ESTATE, "cgc_shutdown: not initialised");
    return;
  }
  // Other threads' heaps can only be detached on their own threads: shutting
  // down under them would free memory they still use.
  size_t others = 0;
  {
    absl::ReaderMutexLock registry_lock(&ci::RegistryMutex());
    others = ci::ThreadCount() - (ci::CurrentThread() != nullptr ? 1 : 0);
  }
  if (others != 0) {
    ci::SetLastError(CGC_ESTATE,
                     absl::StrFormat("cgc_shutdown: %u other thread(s) still "
                                     "attached; detach them first",
                                     others));
    return;
  }
  bool attached_here = ci::CurrentThread() != nullptr;
  if (!attached_here) attached_here = ci::AttachCurrentThread() == CGC_OK;
  if (attached_here) ci::CollectorShutdown();
  ci::TriggerShutdown();
  if (attached_here) ci::DetachCurrentThread();
  ci::ResetPerThreadIndices();
  ci::g_initialized.store(false, std::memory_order_release);
  cyclegc::alloc::Shutdown();
}

CGC_API int cgc_thread_attach(void) {
  return cyclegc::internal::AttachCurrentThread();
}

CGC_API void cgc_thread_detach(void) {
  cyclegc::internal::DetachCurrentThread();
}

}  // extern "C"
