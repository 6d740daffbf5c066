#include "weakref.h"

#include <cstdint>
#include <new>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "fault_injection.h"
#include "last_error.h"
#include "object.h"
#include "seams.h"

// Fields other than cb/arg/stripe are guarded by the stripe's mutex, except
// pending_next, which only the thread that queued the weakref touches.
struct cgc_weakref {
  cgc_object* target;  // nullptr once cleared
  void (*cb)(cgc_weakref*, void*);
  void* arg;
  cgc_weakref* prev;  // the target's list
  cgc_weakref* next;
  // Every weakref of the stripe (for shutdown): in `all` until freed, then in
  // `zombies` while a callback runner still holds it.
  cgc_weakref* all_prev;
  cgc_weakref* all_next;
  cgc_weakref* pending_next;  // callback queue
  uint32_t stripe;
  bool freed;    // cgc_weakref_free was called
  bool pending;  // queued: the callback runner still holds the memory
};

namespace cyclegc::internal {
namespace {

constexpr size_t kStripes = 64;

struct alignas(64) Stripe {
  absl::Mutex mu;
  absl::flat_hash_map<cgc_object*, cgc_weakref*> heads ABSL_GUARDED_BY(mu);
  cgc_weakref* all ABSL_GUARDED_BY(mu) = nullptr;
  // Freed while queued: the runner deletes them, or shutdown does if the
  // runner is gone (a thread a fork() child does not have).
  cgc_weakref* zombies ABSL_GUARDED_BY(mu) = nullptr;
  size_t live ABSL_GUARDED_BY(mu) = 0;
};

Stripe g_stripes[kStripes];

uint32_t StripeOf(const cgc_object* o) {
  uint64_t h = reinterpret_cast<uintptr_t>(o) >> 4;
  h *= 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(h >> 58);  // top 6 bits: 64 stripes
}

// Unlinks `w` from the stripe list headed by `head` (`all` or `zombies`).
void UnlinkFromList(cgc_weakref*& head, cgc_weakref* w) {
  if (w->all_prev != nullptr) {
    w->all_prev->all_next = w->all_next;
  } else {
    head = w->all_next;
  }
  if (w->all_next != nullptr) w->all_next->all_prev = w->all_prev;
  w->all_prev = w->all_next = nullptr;
}

void PushOnList(cgc_weakref*& head, cgc_weakref* w) {
  w->all_prev = nullptr;
  w->all_next = head;
  if (head != nullptr) head->all_prev = w;
  head = w;
}

void UnlinkFromTarget(Stripe& s, cgc_weakref* w)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  if (w->prev != nullptr) {
    w->prev->next = w->next;
  } else if (w->next != nullptr) {
    s.heads[w->target] = w->next;
  } else {
    s.heads.erase(w->target);
  }
  if (w->next != nullptr) w->next->prev = w->prev;
  w->prev = w->next = nullptr;
  w->target = nullptr;
}

}  // namespace

void ClearWeakrefsTo(cgc_object* o, WeakrefCallbackQueue* queue) {
  Stripe& s = g_stripes[StripeOf(o)];
  {
    absl::MutexLock lock(&s.mu);
    auto it = s.heads.find(o);
    if (it != s.heads.end()) {
      cgc_weakref* w = it->second;
      s.heads.erase(it);
      while (w != nullptr) {
        cgc_weakref* next = w->next;
        w->target = nullptr;
        w->prev = w->next = nullptr;
        // Only live weakrefs are in a target's list (free unlinks).
        if (w->cb != nullptr) {
          w->pending = true;
          w->pending_next = nullptr;
          if (queue->tail != nullptr) {
            queue->tail->pending_next = w;
          } else {
            queue->head = w;
          }
          queue->tail = w;
        }
        w = next;
      }
    }
  }
  ClearGcBits(o, kGcHasWeakrefs);
}

size_t RunWeakrefCallbacks(WeakrefCallbackQueue* queue) {
  size_t ran = 0;
  cgc_weakref* w = queue->head;
  queue->head = queue->tail = nullptr;
  while (w != nullptr) {
    cgc_weakref* next = w->pending_next;
    Stripe& s = g_stripes[w->stripe];
    bool alive;
    {
      absl::MutexLock lock(&s.mu);
      alive = !w->freed;
    }
    if (alive) {
      w->cb(w, w->arg);
      ++ran;
    }
    bool release;
    {
      absl::MutexLock lock(&s.mu);
      w->pending = false;
      release = w->freed;
      if (release) UnlinkFromList(s.zombies, w);
    }
    if (release) delete w;
    w = next;
  }
  return ran;
}

void FreeAllWeakrefs() {
  for (Stripe& s : g_stripes) {
    absl::MutexLock lock(&s.mu);
    for (cgc_weakref* list : {s.all, s.zombies}) {
      while (list != nullptr) {
        cgc_weakref* next = list->all_next;
        delete list;
        list = next;
      }
    }
    s.all = nullptr;
    s.zombies = nullptr;
    s.heads.clear();
    s.live = 0;
  }
}

size_t LiveWeakrefCount() {
  size_t n = 0;
  for (Stripe& s : g_stripes) {
    absl::MutexLock lock(&s.mu);
    n += s.live;
  }
  return n;
}

}  // namespace cyclegc::internal

using cyclegc::internal::g_stripes;

extern "C" {

cgc_weakref* cgc_weakref_new(cgc_object* target,
                             void (*cb)(cgc_weakref*, void*), void* arg) {
  using namespace cyclegc::internal;
  if (target == nullptr || TypeOf(target) == nullptr) {
    SetLastError(CGC_EINVAL,
                 target == nullptr
                     ? "cgc_weakref_new: target is NULL"
                     : "cgc_weakref_new: target is not a live object");
    return nullptr;
  }
  auto* w = CGC_INJECT_ALLOC_FAILURE("weakref.new") ? nullptr
                                                    : new (std::nothrow)
                                                          cgc_weakref{};
  if (w == nullptr) {
    SetLastError(CGC_ENOMEM, "cgc_weakref_new: out of memory");
    return nullptr;
  }
  w->target = target;
  w->cb = cb;
  w->arg = arg;
  w->stripe = StripeOf(target);
  // Before publishing: from now on the target's death goes through
  // NotifyObjectDeath and is decided atomically against TryIncref.
  SetMaybeWeakref(target);
  SetGcBits(target, kGcHasWeakrefs);
  Stripe& s = g_stripes[w->stripe];
  absl::MutexLock lock(&s.mu);
  cgc_weakref*& head = s.heads[target];
  w->next = head;
  if (head != nullptr) head->prev = w;
  head = w;
  PushOnList(s.all, w);
  ++s.live;
  return w;
}

cgc_object* cgc_weakref_get(cgc_weakref* w) {
  using namespace cyclegc::internal;
  if (w == nullptr) {
    SetLastError(CGC_EINVAL, "cgc_weakref_get: weakref is NULL");
    return nullptr;
  }
  Stripe& s = g_stripes[w->stripe];
  // Holding the stripe lock keeps the target's memory alive: a dying target
  // must take this lock (NotifyObjectDeath) before it can be freed.
  absl::MutexLock lock(&s.mu);
  cgc_object* t = w->target;
  if (t == nullptr || !TryIncref(t)) return nullptr;
  return t;
}

void cgc_weakref_free(cgc_weakref* w) {
  using namespace cyclegc::internal;
  if (w == nullptr) return;
  Stripe& s = g_stripes[w->stripe];
  bool release;
  {
    absl::MutexLock lock(&s.mu);
    if (w->target != nullptr) UnlinkFromTarget(s, w);
    UnlinkFromList(s.all, w);
    w->freed = true;
    --s.live;
    release = !w->pending;
    if (!release) PushOnList(s.zombies, w);
  }
  if (release) delete w;
}

}  // extern "C"
