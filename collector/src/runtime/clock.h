// The one clock of pause and stall figures (monotonic nanoseconds). In the
// runtime, as stop-the-world stamps the restart with it.
#ifndef CYCLEGC_COLLECTOR_CLOCK_H_
#define CYCLEGC_COLLECTOR_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace cyclegc::internal {

inline uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_CLOCK_H_
