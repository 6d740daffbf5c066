// Object allocation, tracking, and the runtime's plain memory.
#include <atomic>
#include <string>

#include "abi.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "alloc_hooks/alloc_hooks.h"
#include "allocation_meter.h"
#include "fault_injection.h"
#include "last_error.h"
#include "object.h"
#include "refcount.h"
#include "stop_the_world.h"
#include "thread_state.h"

namespace ci = cyclegc::internal;

namespace {

// The calling thread's state; nullptr, with the last error naming `call`, if
// it is not attached.
inline ci::ThreadState* AttachedThread(const char* call) {
  ci::ThreadState* ts = ci::CurrentThread();
  if (ts == nullptr) [[unlikely]] {
    ci::SetLastError(CGC_ESTATE,
                     absl::StrCat(call,
                                  ": calling thread is not attached (call "
                                  "cgc_thread_attach)"));
  }
  return ts;
}

// cgc_alloc and cgc_alloc_untracked (`call` names it in errors): a tracked
// object from the GC heap, or one that is never tracked from the untracked
// heap, which no collection walks.
cgc_object* AllocObject(const char* call, const cgc_type* type, size_t size,
                        bool tracked) {
  if (type == nullptr) {
    ci::SetLastError(CGC_EINVAL, absl::StrCat(call, ": type is NULL"));
    return nullptr;
  }
  if (type->size != sizeof(cgc_type)) {
    if (absl::Status s = ci::CheckType(type); !s.ok()) {
      ci::SetLastError(CGC_EINVAL, absl::StrCat(call, ": ", s.message()));
      return nullptr;
    }
  }
  if (size < sizeof(cgc_object)) {
    ci::SetLastError(
        CGC_EINVAL,
        absl::StrFormat("%s: size %u of type '%s' is smaller than the "
                        "%u-byte cgc_object header",
                        call, size, type->name ? type->name : "<unnamed type>",
                        sizeof(cgc_object)));
    return nullptr;
  }
  ci::ThreadState* ts = AttachedThread(call);
  if (ts == nullptr) return nullptr;
  // Allocation is a safepoint: a thread that allocates but never polls must
  // not keep a stop waiting (and allocate on while it waits). Serve the
  // owner's merge queue here too, for threads that rarely poll.
  ci::ParkIfStopRequested();
  if (ts->merge_pending.load(std::memory_order_relaxed))
    ci::DrainMergeQueue(ts);
  void* block = nullptr;
  if (!CGC_INJECT_ALLOC_FAILURE("runtime.cgc_alloc")) {
    block = tracked ? cyclegc::alloc::GcAlloc(ts->heaps, size)
                    : cyclegc::alloc::UntrackedAlloc(ts->heaps, size);
  }
  auto* o = static_cast<cgc_object*>(block);
  if (o == nullptr) {
    ci::SetLastError(
        CGC_ENOMEM, absl::StrFormat("%s: out of memory allocating %u bytes "
                                    "for type '%s'",
                                    call, size, type->name ? type->name : "?"));
    return nullptr;
  }
  o->ob_tid_ = ts->tid;
  o->ob_ref_local_ = 1;
  o->ob_gc_bits_ = tracked ? ci::kGcTracked : ci::kGcNeverTracked;
  ci::SetType(o, type);
  if (tracked) ci::AddYoung(ts, 1);
  ci::MeterAllocation(ts, size);
  return o;
}

}  // namespace

extern "C" {

CGC_API cgc_object* cgc_alloc(const cgc_type* type, size_t size) {
  return AllocObject("cgc_alloc", type, size, /*tracked=*/true);
}

CGC_API cgc_object* cgc_alloc_untracked(const cgc_type* type, size_t size) {
  return AllocObject("cgc_alloc_untracked", type, size, /*tracked=*/false);
}

CGC_API void cgc_track(cgc_object* o) {
  if (ci::HasGcBits(o, ci::kGcNeverTracked)) [[unlikely]] {
    ci::SetLastError(
        CGC_EINVAL,
        absl::StrFormat("cgc_track: the object of type '%s' (%p) came from "
                        "cgc_alloc_untracked and cannot be tracked (no "
                        "collection looks at it); allocate it with cgc_alloc",
                        ci::TypeName(o), static_cast<const void*>(o)));
    return;
  }
  const uint8_t old = std::atomic_ref<uint8_t>(o->ob_gc_bits_)
                          .fetch_or(ci::kGcTracked, std::memory_order_relaxed);
  if ((old & ci::kGcTracked) == 0) ci::AddYoung(ci::CurrentThread(), 1);
}

CGC_API void cgc_untrack(cgc_object* o) {
  const uint8_t old = std::atomic_ref<uint8_t>(o->ob_gc_bits_)
                          .fetch_and(static_cast<uint8_t>(~ci::kGcTracked),
                                     std::memory_order_relaxed);
  if ((old & ci::kGcTracked) != 0) ci::AddYoung(ci::CurrentThread(), -1);
}

CGC_API int cgc_is_tracked(const cgc_object* o) {
  return ci::IsTracked(o) ? 1 : 0;
}

CGC_API void* cgc_malloc(size_t n) {
  ci::ThreadState* ts = AttachedThread("cgc_malloc");
  if (ts == nullptr) return nullptr;
  ci::RunningIfBracketed running(ts);
  // A payload-allocating loop is a safepoint too.
  if (!running.bracketed()) ci::ParkIfStopRequested();
  void* p = cyclegc::alloc::Malloc(ts->heaps, n);
  if (p == nullptr) {
    ci::SetLastError(
        CGC_ENOMEM, absl::StrFormat("cgc_malloc: out of memory (%u bytes)", n));
    return nullptr;
  }
  // Inside a bracket the embedder may hold locks a collection's finalizers
  // need: count the bytes, and let the next allocation outside decide.
  if (running.bracketed()) {
    ts->bytes_since_check += n;
  } else {
    ci::MeterAllocation(ts, n);
  }
  return p;
}

CGC_API void cgc_free(void* p) {
  if (p == nullptr) return;
  ci::RunningIfBracketed running(ci::CurrentThread());
  cyclegc::alloc::Free(p);
}

}  // extern "C"
