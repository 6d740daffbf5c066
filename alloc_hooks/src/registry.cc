#include "registry.h"

#include <atomic>

#include "absl/base/const_init.h"

namespace cyclegc::alloc::internal {
namespace {

std::atomic<ThreadHeaps*> g_first{nullptr};
ABSL_CONST_INIT absl::Mutex g_mu(absl::kConstInit);

}  // namespace

absl::Mutex& RegistryMutex() { return g_mu; }

ThreadHeaps* AcquireSlot() {
  for (ThreadHeaps* s = FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use.load(std::memory_order_relaxed)) {
      s->in_use.store(true, std::memory_order_relaxed);
      return s;
    }
  }
  auto* s = new ThreadHeaps;
  s->in_use.store(true, std::memory_order_relaxed);
  s->next = g_first.load(std::memory_order_relaxed);
  g_first.store(s, std::memory_order_release);
  return s;
}

void ReleaseSlot(ThreadHeaps* slot) {
  slot->in_use.store(false, std::memory_order_relaxed);
}

ThreadHeaps* FirstSlot() { return g_first.load(std::memory_order_acquire); }

void FreeAllSlots() {
  ThreadHeaps* s = g_first.exchange(nullptr, std::memory_order_acq_rel);
  while (s != nullptr) {
    ThreadHeaps* next = s->next;
    delete s;
    s = next;
  }
}

}  // namespace cyclegc::alloc::internal
