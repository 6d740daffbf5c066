#include "test_points.h"

namespace cyclegc::internal {

std::atomic<TestPointHook> g_test_point_hook{nullptr};

void SetTestPointHookForTesting(TestPointHook hook) {
  g_test_point_hook.store(hook, std::memory_order_release);
}

}  // namespace cyclegc::internal
