// Objects whose merged count reached zero while the world was stopped: destroy
// runs user code, so it must not run stopped. Each keeps one count until
// StartTheWorld() releases it on the stopper's thread, world running.
#include <vector>

#include "cyclegc/cyclegc.h"
#include "registry.h"
#include "stop_the_world_internal.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

// Filled by the stopper while stopped; taken by KeptObjects.
std::vector<cgc_object*>* g_release_after_start = nullptr;

}  // namespace

void KeepForReleaseAfterStart(cgc_object* o) {
  if (g_release_after_start == nullptr) {
    g_release_after_start = new std::vector<cgc_object*>();
  }
  g_release_after_start->push_back(o);
}

KeptObjects::KeptObjects()
    : list_(g_release_after_start), self_(CurrentThread()) {
  g_release_after_start = nullptr;
  // Published while the registry lock is held, unpublished (and freed) under
  // it again: fork()'s prepare handler takes it, so a child sees the list
  // whole or not at all.
  if (list_ != nullptr && self_ != nullptr) {
    frame_.objects = list_;
    frame_.outer = self_->releasing.load(std::memory_order_relaxed);
    self_->releasing.store(&frame_, std::memory_order_relaxed);
  }
}

void KeptObjects::Release() {
  if (list_ == nullptr) return;
  for (size_t i = 0; i < list_->size(); ++i) {
    frame_.next.store(i + 1, std::memory_order_relaxed);
    cgc_decref((*list_)[i]);
  }
  if (self_ != nullptr) {
    MutatorRegistryReaderLock registry_lock;
    self_->releasing.store(frame_.outer, std::memory_order_relaxed);
    delete list_;
  } else {
    delete list_;
  }
  list_ = nullptr;
}

}  // namespace cyclegc::internal
