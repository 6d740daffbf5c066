// Busy-wait helpers for the short waits between threads of a stop (the
// stopper and its crew, the release job's collector).
#ifndef CYCLEGC_COLLECTOR_CPU_RELAX_H_
#define CYCLEGC_COLLECTOR_CPU_RELAX_H_

#include <sched.h>

namespace cyclegc::internal {

// One spin-loop iteration's hint to the core.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
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
