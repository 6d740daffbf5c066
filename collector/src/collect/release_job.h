// Releasing trash on two threads at once. After the clears every member is
// held by the collector alone; the collector releases those in its own heap
// and offers the rest as one job. A thread that reaches the trigger while the
// collection runs (one that would otherwise be held, idle) takes the job: it
// frees blocks of its own heap locally, in parallel with the collector,
// instead of the collector freeing them across threads one at a time.
#ifndef CYCLEGC_COLLECTOR_RELEASE_JOB_H_
#define CYCLEGC_COLLECTOR_RELEASE_JOB_H_

#include <cstddef>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Collector: offers members[0, n) (cleared, each held by the collector alone
// and owned by it or merged) to a helper. The array must stay valid until
// FinishReleaseJob returns.
void OfferReleaseJob(cgc_object* const* members, size_t n);

// Collector, after releasing its own members: releases the offered ones no
// helper claimed (in chunks, as helpers do), and returns once they are all
// released.
void FinishReleaseJob();

// Any attached thread that is not collecting, with the world running:
// releases chunks of the offered job here until none is left. True if it
// released any.
bool HelpWithReleaseJob();

// True while an offered job has unclaimed members (a held thread stops
// waiting for the collection to take them).
bool ReleaseJobOffered();

// fork() child: a job of a vanished collection or helper is forgotten (its
// members stay allocated until cgc_shutdown, as a vanished collection's do).
void ForgetReleaseJobAfterFork();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_RELEASE_JOB_H_
