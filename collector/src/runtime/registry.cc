#include "registry.h"

#include <new>

#include "absl/container/flat_hash_map.h"

namespace cyclegc::internal {
namespace {

absl::Mutex g_registry_mu(absl::kConstInit);

// Keyed by thread id so a non-owner decref finds the owner's merge queue.
absl::flat_hash_map<uintptr_t, ThreadState*>& Threads() {
  static auto* threads = new absl::flat_hash_map<uintptr_t, ThreadState*>();
  return *threads;
}

}  // namespace

absl::Mutex& RegistryMutex() { return g_registry_mu; }

MutatorRegistryReaderLock::MutatorRegistryReaderLock() {
  if (g_registry_mu.ReaderTryLock()) return;
  ThreadState* ts = CurrentThread();
  if (ts != nullptr) EnterBlocking(ts);
  g_registry_mu.ReaderLock();
  // No stop can be in progress while we hold the lock: this cannot park.
  if (ts != nullptr) LeaveBlocking(ts);
}

MutatorRegistryReaderLock::~MutatorRegistryReaderLock() {
  g_registry_mu.ReaderUnlock();
}

void ForEachThread(absl::FunctionRef<void(ThreadState&)> fn) {
  for (auto& [tid, ts] : Threads()) fn(*ts);
}

ThreadState* FindThread(uintptr_t tid) {
  auto it = Threads().find(tid);
  return it == Threads().end() ? nullptr : it->second;
}

size_t ThreadCount() { return Threads().size(); }

void RegistryAdd(ThreadState* ts) { Threads()[ts->tid] = ts; }

void RegistryRemove(ThreadState* ts) { Threads().erase(ts->tid); }

void ReinitRegistryAfterFork() { new (&g_registry_mu) absl::Mutex(); }

}  // namespace cyclegc::internal
