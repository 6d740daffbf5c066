// Busy-wait helpers for the short waits between threads of a stop (the
// stopper and its crew, the release job's collector, a held thread).
#ifndef CYCLEGC_COLLECTOR_CPU_RELAX_H_
#define CYCLEGC_COLLECTOR_CPU_RELAX_H_

#include <sched.h>

#include <cstdint>

#include "clock.h"

namespace cyclegc::internal {

// One spin-loop iteration's hint to the core.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins until done() or `ns` have passed (the clock read every 64 spins).
template <typename Pred>
void SpinFor(uint64_t ns, Pred done) {
  const uint64_t until = NowNs() + ns;
  for (unsigned i = 1; !done(); ++i) {
    CpuRelax();
    if (i % 64 == 0 && NowNs() > until) return;
  }
}

// Spins a while, then yields the core at every call: for a wait on a thread
// that may have been descheduled, or whose core another process wants.
class SpinThenYield {
 public:
  void Wait() {
    if (++spins_ < kSpins) {
      CpuRelax();
    } else {
      sched_yield();
    }
  }
  void Reset() { spins_ = 0; }

 private:
  static constexpr int kSpins = 4096;
  int spins_ = 0;
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CPU_RELAX_H_
