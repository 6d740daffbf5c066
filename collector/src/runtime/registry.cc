#include "registry.h"

#include <atomic>
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

void RegistryRemove(ThreadState* ts) {
  FoldCollectedDeaths(*ts);
  Threads().erase(ts->tid);
}

namespace {
std::atomic<uint64_t> g_collected_retired{0};  // threads gone, unattached
}  // namespace

void FoldCollectedDeaths(ThreadState& ts) {
  g_collected_retired.fetch_add(
      ts.collected_deaths.exchange(0, std::memory_order_relaxed),
      std::memory_order_relaxed);
}

void CountCollectedDeath(ThreadState* ts) {
  if (ts == nullptr) {
    g_collected_retired.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ts->collected_deaths.store(
      ts->collected_deaths.load(std::memory_order_relaxed) + 1,
      std::memory_order_relaxed);
}

uint64_t CollectedDeaths() {
  MutatorRegistryReaderLock lock;
  uint64_t total = g_collected_retired.load(std::memory_order_relaxed);
  ForEachThread([&](ThreadState& ts) {
    total += ts.collected_deaths.load(std::memory_order_relaxed);
  });
  return total;
}

void ResetCollectedDeaths() {
  MutatorRegistryReaderLock lock;
  g_collected_retired.store(0, std::memory_order_relaxed);
  ForEachThread([](ThreadState& ts) {
    ts.collected_deaths.store(0, std::memory_order_relaxed);
  });
}

void ReinitRegistryAfterFork() { new (&g_registry_mu) absl::Mutex(); }

}  // namespace cyclegc::internal
