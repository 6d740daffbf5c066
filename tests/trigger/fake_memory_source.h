// A MemorySource whose figures the test sets; counts the reads so tests can
// check that no syscall-like read happens below the threshold.
#ifndef CYCLEGC_TESTS_TRIGGER_FAKE_MEMORY_SOURCE_H_
#define CYCLEGC_TESTS_TRIGGER_FAKE_MEMORY_SOURCE_H_

#include <atomic>
#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "memory_source.h"

namespace cyclegc::internal {

class FakeMemorySource final : public MemorySource {
 public:
  size_t FullPageBytes() override {
    full_page_reads++;
    if (on_full_page_read) on_full_page_read();
    return full_page_bytes;
  }
  size_t ThreadFullPageBytes() override { return t_thread_full_page_bytes; }
  absl::StatusOr<size_t> ProcessRssAndSwap() override {
    rss_reads++;
    if (rss_fails) return absl::UnavailableError("no /proc");
    return rss;
  }
  size_t ExternalBytes() override { return external; }

  std::atomic<size_t> full_page_bytes{0};
  // The calling thread's own full-page bytes: each test thread sets its own.
  static inline thread_local size_t t_thread_full_page_bytes = 0;
  std::atomic<size_t> rss{0};
  std::atomic<size_t> external{0};
  std::atomic<bool> rss_fails{false};
  std::atomic<int> full_page_reads{0};
  std::atomic<int> rss_reads{0};
  // Runs at each full-page read, before the value is returned: lets a test
  // act as another thread between a decision's snapshot and its reading.
  std::function<void()> on_full_page_read;
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_TESTS_TRIGGER_FAKE_MEMORY_SOURCE_H_
