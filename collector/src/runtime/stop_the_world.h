// Stop-the-world and safepoints.
//
// StopTheWorld()/StartTheWorld()/MergeRefcountsWhileStopped() are declared in
// seams.h. While stopped: every other attached thread is parked at a safepoint,
// in a blocking section, or detaching (waiting for the registry lock), so the
// caller may walk heaps and read every thread's state without locks. No
// thread attaches or detaches while stopped. The stopping thread must not
// decref an object to zero while the world is stopped (destroy runs user code):
// objects whose merged count is zero are kept alive with one count and released
// by StartTheWorld() on the calling thread once the world runs again.
#ifndef CYCLEGC_COLLECTOR_STOP_THE_WORLD_H_
#define CYCLEGC_COLLECTOR_STOP_THE_WORLD_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace cyclegc::internal {

// One word every safepoint polls: bit 0 = a stop is requested; the rest counts
// (in units of 2) threads with a non-empty merge queue. Hidden so the poll is a
// PC-relative load inside libcyclegc.so.
extern std::atomic<uint32_t> g_safepoint_word
    __attribute__((visibility("hidden")));
inline constexpr uint32_t kStopRequested = 1;
inline constexpr uint32_t kPendingMergeUnit = 2;

// True between StopTheWorld() and StartTheWorld().
bool WorldStopped();
// True on the thread that has the world stopped, and on crew members while
// they run its jobs (stop_crew.h) (also declared in seams.h).
bool CallerIsStopper();

// Debug builds: a step that reads every thread's state without locks (the
// stopped phases of a collection) checks that its caller stopped the world.
#ifdef NDEBUG
#define CGC_DCHECK_WORLD_STOPPED() static_cast<void>(0)
#else
#define CGC_DCHECK_WORLD_STOPPED() \
  ::cyclegc::internal::CheckCallerStoppedTheWorld(__func__)
#endif
inline void CheckCallerStoppedTheWorld(const char* where) {
  if (CallerIsStopper()) return;
  std::fprintf(stderr, "cyclegc: %s needs the world stopped by its caller\n",
               where);
  std::abort();
}

// The slow half of cgc_safepoint(): parks if a stop is requested, drains the
// calling thread's merge queue.
void SafepointSlow();

// The stop half of a safepoint, for paths that serve their merge queue
// themselves (allocation): one relaxed load unless a stop is requested.
inline void ParkIfStopRequested() {
  if ((g_safepoint_word.load(std::memory_order_relaxed) & kStopRequested) != 0)
    SafepointSlow();
}

// Whether a waiting thread may spin rather than sleep: every running thread
// had a core when the last stop began (parked threads, the crew, threads held
// while a collection runs).
bool ParkedThreadsMaySpin();

// Figures of the last stop (for benchmarks and the collector's events).
uint64_t LastTimeToSafepointNs();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STOP_THE_WORLD_H_
