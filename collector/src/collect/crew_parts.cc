// How a collection's stopped phases are split into parts (phases.h), and the
// parts' arrays.
#include <atomic>
#include <new>

#include "alloc_hooks/alloc_hooks.h"
#include "phases.h"
#include "registry.h"
#include "stop_crew.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

// Below this many members (the last collection's), opening the crew, a job
// per phase and the waits between them cost about what a second core gives
// back (2 threads, chain c=100 e=10k l=100, about 2k members: no gain in 3
// pairs), and a crew member descheduled mid-part holds the pause up (the
// stopper cannot take over a part begun). The queue e=1k l=10k (20k
// members) pauses 20% shorter on the crew.
constexpr size_t kMinMembersForCrew = 8192;
std::atomic<size_t> g_last_members{0};
// Each part's member count in the last collection on the crew. Its arrays are
// reserved from these on the collecting thread: grown on a crew member they
// would come from that thread's malloc arena, which keeps the memory (the
// 2-thread queue e=1k l=10k row read 3 MB more peak RSS).
size_t g_last_part_members[kMaxCrewParts] = {};
std::atomic<bool> g_force_for_testing{false};
std::atomic<uint64_t> g_crew_collections{0};

// Whether this collection should try the crew: the last one was large
// enough, or a test forces it.
bool CrewWanted() {
  return g_force_for_testing.load(std::memory_order_relaxed) ||
         g_last_members.load(std::memory_order_relaxed) >= kMinMembersForCrew;
}

}  // namespace

void Part::Release() {
  members.Release();
  stack.Release();
  for (auto& set : outbox) {
    for (ObjectStack& box : set) box.Release();
  }
}

void ExpectCrewParts() {
  if (CrewWanted()) ExpectCrew();
}

void OpenCrewParts(CollectionState& state) {
  if (!CrewWanted() || !alloc::GcPagesWalkableByContent() ||
      OpenCrew(g_force_for_testing.load(std::memory_order_relaxed)) == 0) {
    CloseCrew();  // not opened: parked threads stop waiting for it
    return;
  }
  // Part 0 holds the pages of threads gone; each attached thread's heap is a
  // part of its own (threads past kMaxCrewParts - 1 share them).
  const size_t threads = ThreadCount();
  const size_t parts =
      threads + 1 < kMaxCrewParts ? threads + 1 : kMaxCrewParts;
  state.crew_parts.reset(new (std::nothrow) Part[parts]);
  if (state.crew_parts == nullptr) {
    CloseCrew();
    return;
  }
  state.parts = state.crew_parts.get();
  state.num_parts = parts;
  for (size_t p = 0; p < parts; ++p) {
    const size_t last = g_last_part_members[p];
    // Out of memory here only means the part grows its own array.
    if (last != 0) (void)state.parts[p].members.Reserve(last + last / 4);
  }
  size_t i = 0;
  ForEachThread(
      [&](ThreadState& ts) { SetCrewHome(ts, 1 + i++ % (parts - 1)); });
  const ThreadState* self = CurrentThread();
  state.home = self != nullptr ? self->crew_home : 0;
}

void CloseCrewParts(CollectionState& state) {
  g_last_members.store(MemberCount(state), std::memory_order_relaxed);
  if (state.num_parts == 1) return;
  for (size_t p = 0; p < state.num_parts; ++p) {
    g_last_part_members[p] = state.parts[p].members.size();
  }
  CloseCrew();
  g_crew_collections.fetch_add(1, std::memory_order_relaxed);
}

void ForceCrewPartsForTesting(bool on) {
  g_force_for_testing.store(on, std::memory_order_relaxed);
}

uint64_t CrewCollectionsForTesting() {
  return g_crew_collections.load(std::memory_order_relaxed);
}

void ReleaseParts(CollectionState& state) {
  for (size_t p = 0; p < state.num_parts; ++p) state.parts[p].Release();
}

}  // namespace cyclegc::internal
