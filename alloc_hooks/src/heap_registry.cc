#include "heap_registry.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>

#include "absl/base/const_init.h"

namespace cyclegc::alloc::internal {
namespace {

std::atomic<ThreadHeaps*> g_first{nullptr};
ABSL_CONST_INIT absl::Mutex g_mu(absl::kConstInit);

constexpr std::align_val_t kHeapAlign{64};

mi_heap_t* NewHeapStorage() {
  const size_t size = mi_heap_struct_size();
  void* p = ::operator new(size, kHeapAlign, std::nothrow);
  if (p != nullptr) std::memset(p, 0, size);
  return static_cast<mi_heap_t*>(p);
}

void DeleteHeapStorage(mi_heap_t* p) {
  if (p != nullptr) ::operator delete(static_cast<void*>(p), kHeapAlign);
}

}  // namespace

absl::Mutex& HeapRegistryMutex() { return g_mu; }

void ReinitHeapRegistryMutexAfterFork() { new (&g_mu) absl::Mutex(); }

ThreadHeaps* AcquireSlot() {
  for (ThreadHeaps* s = FirstSlot(); s != nullptr; s = s->next) {
    if (!s->in_use) {
      s->in_use = true;
      return s;
    }
  }
  auto* s = new (std::nothrow) ThreadHeaps;
  if (s == nullptr) return nullptr;
  s->gc_storage = NewHeapStorage();
  s->plain_storage = NewHeapStorage();
  s->untracked_storage = NewHeapStorage();
  if (const auto storages = s->storages();
      std::ranges::find(storages, nullptr) != storages.end()) {
    for (mi_heap_t* p : storages) DeleteHeapStorage(p);
    delete s;
    return nullptr;
  }
  s->in_use = true;
  s->next = g_first.load(std::memory_order_relaxed);
  // Release: readers that find the slot see its zeroed storage.
  g_first.store(s, std::memory_order_release);
  return s;
}

void ReleaseSlot(ThreadHeaps* slot) { slot->in_use = false; }

ThreadHeaps* FirstSlot() { return g_first.load(std::memory_order_acquire); }

void FreeAllSlots() {
  ThreadHeaps* s = g_first.exchange(nullptr, std::memory_order_acq_rel);
  while (s != nullptr) {
    ThreadHeaps* next = s->next;
    for (mi_heap_t* p : s->storages()) DeleteHeapStorage(p);
    delete s;
    s = next;
  }
}

}  // namespace cyclegc::alloc::internal
