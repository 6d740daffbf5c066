// The object header as the collector and runtime see it: gc bits, refcount
// mode flags and accessors. Every access that can race with a mutator goes
// through a relaxed atomic (plain moves on x86-64/arm64) so TSan sees no race.
#ifndef CYCLEGC_COLLECTOR_OBJECT_H_
#define CYCLEGC_COLLECTOR_OBJECT_H_

#include <atomic>
#include <cstdint>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// ob_gc_bits_: collector state. The runtime sets/clears kGcTracked (alloc,
// track/untrack, death); the collector owns the others; kGcHasWeakrefs is set
// by cgc_weakref_new on any thread. Updated with atomic RMW (set/clear below).
enum GcBit : uint8_t {
  kGcTracked = 1u << 0,      // visible to the collector
  kGcFinalized = 1u << 1,    // finalize already ran (at most once)
  kGcUnreachable = 1u << 2,  // in the current collection's unreachable set
  // From cgc_alloc_untracked: in the untracked heap, which no collection
  // walks, so it can never be tracked.
  kGcNeverTracked = 1u << 3,
  kGcHasWeakrefs = 1u << 4,  // at least one weakref was created to it
  kGcDying = 1u << 7,        // refcount reached zero: being destroyed
};

// ob_flags_: refcount mode, owned by the runtime.
enum RefFlag : uint8_t {
  // Counts live in per-thread arrays; ob_ref_local_ holds the array index and
  // ob_tid_ is 0 (no owner). Merged while the world is stopped and at exit.
  kRefPerThread = 1u << 0,
  // The object sits in some thread's merge queue (the queue holds one count).
  kRefInMergeQueue = 1u << 1,
};

// The header's flag bytes are read and updated by several threads (owner,
// stopper, non-owners queueing): relaxed atomic byte operations.
inline uint8_t LoadFlagByte(const uint8_t& byte) {
  return std::atomic_ref<uint8_t>(const_cast<uint8_t&>(byte))
      .load(std::memory_order_relaxed);
}
inline void SetFlagBits(uint8_t& byte, uint8_t mask) {
  std::atomic_ref<uint8_t>(byte).fetch_or(mask, std::memory_order_relaxed);
}
inline void ClearFlagBits(uint8_t& byte, uint8_t mask) {
  std::atomic_ref<uint8_t>(byte).fetch_and(static_cast<uint8_t>(~mask),
                                           std::memory_order_relaxed);
}

inline uint8_t GcBits(const cgc_object* o) {
  return LoadFlagByte(o->ob_gc_bits_);
}
inline bool HasGcBits(const cgc_object* o, uint8_t mask) {
  return (GcBits(o) & mask) != 0;
}
inline void SetGcBits(cgc_object* o, uint8_t mask) {
  SetFlagBits(o->ob_gc_bits_, mask);
}
inline void ClearGcBits(cgc_object* o, uint8_t mask) {
  ClearFlagBits(o->ob_gc_bits_, mask);
}
// The same without a locked instruction (one per object per collection and
// per death was a fifth of a small collection's time), for when no other
// thread can update `o`'s bits: the world is stopped, or `o` is dying (no
// one else holds a reference, so no one can make a weakref to it or track
// it). Returns the bits as they were.
inline uint8_t StoreGcBitsExclusive(cgc_object* o, uint8_t set, uint8_t clear) {
  std::atomic_ref<uint8_t> bits(o->ob_gc_bits_);
  const uint8_t old = bits.load(std::memory_order_relaxed);
  bits.store(static_cast<uint8_t>((old | set) & ~clear),
             std::memory_order_relaxed);
  return old;
}
inline bool IsTracked(const cgc_object* o) { return HasGcBits(o, kGcTracked); }

inline uint8_t RefFlags(const cgc_object* o) {
  return LoadFlagByte(o->ob_flags_);
}
inline bool HasRefFlags(const cgc_object* o, uint8_t mask) {
  return (RefFlags(o) & mask) != 0;
}
// The per-thread flag, acquire: whoever sees it also sees the index that
// cgc_set_per_thread_refcount stored in ob_ref_local_ before publishing it.
inline bool IsPerThreadCounted(const cgc_object* o) {
  return (std::atomic_ref<uint8_t>(const_cast<uint8_t&>(o->ob_flags_))
              .load(std::memory_order_acquire) &
          kRefPerThread) != 0;
}
inline void SetRefFlags(cgc_object* o, uint8_t mask) {
  SetFlagBits(o->ob_flags_, mask);
}
inline void ClearRefFlags(cgc_object* o, uint8_t mask) {
  ClearFlagBits(o->ob_flags_, mask);
}

inline const cgc_type* TypeOf(const cgc_object* o) {
  return std::atomic_ref<const cgc_type*>(
             const_cast<const cgc_type*&>(o->ob_type_))
      .load(std::memory_order_relaxed);
}
inline void SetType(cgc_object* o, const cgc_type* t) {
  std::atomic_ref<const cgc_type*>(o->ob_type_)
      .store(t, std::memory_order_relaxed);
}
inline const char* TypeName(const cgc_object* o) {
  const cgc_type* t = TypeOf(o);
  return t != nullptr && t->name != nullptr ? t->name : "<unnamed type>";
}

// A heap block holds a live object iff its ob_type_ is non-NULL (the runtime
// clears it right before freeing; mimalloc only overwrites word 0).
inline bool IsLiveBlock(const void* block) {
  return TypeOf(static_cast<const cgc_object*>(block)) != nullptr;
}

// Collector scratch word (gc_refs during a collection). Not used by the
// runtime.
inline uintptr_t& GcScratch(cgc_object* o) { return o->ob_gc_; }

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_OBJECT_H_
