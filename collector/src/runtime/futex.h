// Timed futex wait and wake on a 32-bit atomic: a timed wait that
// std::atomic::wait lacks (and that TSan sees, unlike an absl::Condition
// evaluated by another thread with Debian's uninstrumented abseil).
#ifndef CYCLEGC_COLLECTOR_FUTEX_H_
#define CYCLEGC_COLLECTOR_FUTEX_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <ctime>

#include "absl/time/time.h"

namespace cyclegc::internal {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
              std::atomic<uint32_t>::is_always_lock_free);

// Sleeps while *word == expected, at most `timeout`; may return early.
inline void FutexWaitFor(std::atomic<uint32_t>* word, uint32_t expected,
                         absl::Duration timeout) {
  timespec ts = absl::ToTimespec(timeout);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE,
          expected, &ts, nullptr, 0);
}

inline void FutexWakeAll(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE,
          INT_MAX, nullptr, nullptr, 0);
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_FUTEX_H_
