// The functions the collector's modules call across module boundaries, in one
// place, with who provides each. A module's own header may re-declare what it
// owns; this file is the map. The modules are the folders of collector/src,
// each a CMake target that sees only its own and lower modules' headers:
//
//   trigger/  (config, young count, policies)                    highest
//   collect/  (phases, weakrefs, finalizers, stats, events, census)
//   runtime/  (object model, refcounting, threads, stop-the-world) lowest
//
// A lower module calls a higher one only through the declarations marked
// "upward" below: the build (each module's include path) and
// scripts/check_layers.sh reject any other upward include. init.cc, above
// all three, ties them together at cgc_init/cgc_shutdown.
#ifndef CYCLEGC_COLLECTOR_SEAMS_H_
#define CYCLEGC_COLLECTOR_SEAMS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

struct ThreadState;

// ---- trigger: config.h ------------------------------------------------------
struct Config;  // trigger/config.h: only the trigger and init.cc read it
// user == nullptr: defaults overridden by CYCLEGC_* variables. Errors name the
// variable/field, the value and the accepted form.
absl::StatusOr<Config> LoadConfig(const cgc_config* user);

// ---- trigger: lifecycle and allocation path ---------------------------------
absl::Status TriggerInit(const Config& config);
void TriggerShutdown();
// Run-time tuning: replaces the settings in force (checked as at init);
// counters carry over. FailedPrecondition before init.
absl::Status TriggerReconfigure(const Config& config);
absl::StatusOr<Config> TriggerConfig();
// Upward (runtime): called by the runtime when a thread's batched young delta
// (allocations of tracked objects minus their deallocations) reaches the batch
// size or at detach. May run a collection (on the calling, attached thread).
void OnYoungBatch(int64_t delta);
// Upward (runtime): called by the runtime when a thread allocated `bytes` (at
// least the byte-check step, see SetByteCheckStep) since its last call:
// memory-driven policies decide now.
void OnAllocatedBytes(size_t bytes);
// What the policy decided on, handed to Collect() for the event.
struct TriggerFigures {
  size_t young = 0;
  size_t deferred_young = 0;
  size_t estimate_now = 0;
  size_t estimate_at_last = 0;
};
// Upward (collect): called by the collector with the world stopped, once the
// heap walk has seen every tracked object: young (and deferred young) restart
// from zero, so what other threads allocate while the collection finishes
// counts toward the next one (and can hold them, see OnYoungBatch).
void TriggerOnHeapWalked();
// Upward (collect): called by the collector at the end of a collection (world
// started again): records the estimate after collection and the survivors, lets
// held threads go.
void TriggerOnCollectionDone(size_t survivors);
// Upward (collect): the running collection offers trash to release
// (release_job.h): wakes held threads so that one takes it.
void TriggerOnReleaseJobOffered();
// Upward (collect): fills the trigger's fields of cgc_stats (young, deferred,
// trigger, ...).
void TriggerFillStats(cgc_stats* out);
// Upward (runtime, fork.cc): fork() child, single-threaded: a triggered
// collection running on another thread of the parent never ends in the child;
// forget it.
void TriggerAfterForkChild();

// ---- collector --------------------------------------------------------------
// Resets the stats; `debug` is the CGC_DEBUG_* bits in force.
absl::Status CollectorInit(unsigned debug);
// Diagnostics in force (CGC_DEBUG_* bits: the stats line, the census).
void CollectorSetDebug(unsigned debug);
// Final collection (reason SHUTDOWN), then finalize, clear and free every
// remaining object; prints the census if enabled. World must not be stopped.
void CollectorShutdown();
// One full collection. Only one runs at a time: a second caller waits for the
// running one to finish and returns 0. Returns the number of objects freed.
size_t Collect(cgc_reason reason, const TriggerFigures& figures);
// Upward (runtime, refcount.cc): true while the running collection lets its
// trash come back: from the restart after marking until its resurrection
// recheck (weakref callbacks and finalizers run then, and what they revive
// the recheck keeps). Outside it an object marked kGcUnreachable is being or
// has been cleared, or dies unseen by anyone: cgc_weakref_get must not hand
// it out.
bool UnreachableMayRevive();
// Upward (runtime): called by the runtime when an object dies (refcount
// reached zero, before type->destroy) and its gc bits say weakrefs exist or it
// is in the collector's unreachable set: clears weakrefs, feeds the census.
// ts: the dying thread's state (nullptr if unattached).
void NotifyObjectDeath(cgc_object* o, ThreadState* ts);
// Upward (runtime, fork.cc): fork() child: a collection that ran on a thread
// the child does not have never ends there; drop its claim (unless the forking
// thread ran it).
void CollectionAfterForkChild();

// ---- runtime ----------------------------------------------------------------
// (stop_the_world.h, refcount.h, thread_state.h declare the rest)
// Stops every attached thread at a safepoint (threads in blocking sections or
// detached count as stopped). Returns the time it took all threads to park.
// The caller must be attached; only the collector calls it, one at a time.
uint64_t StopTheWorld();
// Returns the NowNs() (collect.h) at which the world restarted, before the
// releases deferred by the stop run on the calling thread.
uint64_t StartTheWorld();
// True on the thread that currently has the world stopped.
bool CallerIsStopper();
// While stopped: drain merge queues and fold per-thread counts so that
// TotalRefcount() is exact for every object. True if some object was found
// dead (it is released once the world runs again).
bool MergeRefcountsWhileStopped();
size_t TotalRefcount(const cgc_object* o);
// True while some thread runs the deaths of a merge queue it took (world
// running): a collection waits for them so that its result counts them.
bool DrainsInFlight();
// Bytes (cgc_alloc + cgc_malloc) a thread allocates between two calls of
// OnAllocatedBytes; 0 turns the byte checks off. Set by the trigger.
void SetByteCheckStep(size_t bytes);

// Weak references (requested by the collector for cgc_weakref_get):
// Called by cgc_weakref_new (world running, caller holds a reference) before
// the weakref is published: from then on the object's death must be decided
// atomically on its shared count (as CPython's _Py_REF_MAYBE_WEAKREF does), so
// that TryIncref cannot race with it.
void SetMaybeWeakref(cgc_object* o);
// A new strong reference to `o` unless its count already reached zero (it is
// dying: must not be resurrected) or it is trash of a collection past its
// resurrection check (UnreachableMayRevive). Any attached thread, world
// running.
bool TryIncref(cgc_object* o);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_SEAMS_H_
