// The stopper's crew: while the world is stopped, parked threads have nothing
// to do. A stopper whose work splits into independent parts (a collection's
// walk, subtract, mark and gather, a part per thread's heap) runs it on them
// as well. Parts are claimed, not assigned: each thread takes its home part
// first, then any left, and the stopper takes parts too, so a thread that
// never comes (asleep, descheduled) costs speed, never progress.
#ifndef CYCLEGC_COLLECTOR_STOP_CREW_H_
#define CYCLEGC_COLLECTOR_STOP_CREW_H_

#include <cstddef>

namespace cyclegc::internal {

struct ThreadState;

inline constexpr size_t kMaxCrewParts = 16;

using CrewPartFn = void (*)(size_t part, void* arg);

// Before the stop: the stopper will likely open the crew, so parked threads
// keep spinning for it rather than going to sleep (a futex wake-up costs
// about what a part of a small heap does). Cleared by OpenCrew/CloseCrew.
void ExpectCrew();
bool CrewExpected();

// Stopper, world stopped. Invites the parked threads to serve until
// CloseCrew() and returns how many there are: 0 (and nothing opened) when
// none is parked, or when threads outnumber cores (waiting crew members spin,
// and would take the CPU from the stopper) unless `even_oversubscribed`.
size_t OpenCrew(bool even_oversubscribed = false);
// Stopper, crew open. Runs fn(p, arg) once for every p < parts (at most
// kMaxCrewParts) on this thread and the crew, `home` first here; returns when
// every part has run. What fn wrote is visible to the caller on return, and
// to every part of the next job.
void RunOnCrew(size_t parts, CrewPartFn fn, void* arg, size_t home);
void CloseCrew();
// Stopper, world stopped, before RunOnCrew: the part `ts` takes first.
void SetCrewHome(ThreadState& ts, size_t part);

// Whether the calling thread is running parts of a job: it acts for the
// stopper then (CallerIsStopper() is true: it reads every thread's state
// without locks, as the stopper does).
bool OnCrewJob();

// Parked threads (ParkWhileStopped): whether the crew is open to `ts` (it
// was parked when the crew opened), and serving it (taking parts of each job
// posted) until it closes.
bool CrewOpenFor(const ThreadState* ts);
void ServeCrew(ThreadState* ts);

// fork() child: no crew (the child has one thread).
void ResetCrewAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_STOP_CREW_H_
