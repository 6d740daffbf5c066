#include "allocation_meter.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cyclegc::internal {

std::atomic<size_t> g_byte_check_step{SIZE_MAX};

void SetByteCheckStep(size_t bytes) {
  g_byte_check_step.store(bytes == 0 ? SIZE_MAX : bytes,
                          std::memory_order_relaxed);
}

}  // namespace cyclegc::internal
