// Where the trigger policies read memory from. An interface so that policy
// tests inject figures instead of allocating; SystemMemorySource is the real
// one.
#ifndef CYCLEGC_COLLECTOR_MEMORY_SOURCE_H_
#define CYCLEGC_COLLECTOR_MEMORY_SOURCE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

namespace cyclegc::internal {

class MemorySource {
 public:
  virtual ~MemorySource() = default;
  // Bytes in full mimalloc pages over all threads, live and exited. Cheap:
  // no syscall, no lock, no stop.
  virtual size_t FullPageBytes() = 0;
  // The calling thread's own part of FullPageBytes (0 if it is not attached).
  virtual size_t ThreadFullPageBytes() = 0;
  // Resident set plus swap of the whole process, in bytes. A syscall (or two);
  // only the rss policy calls it, and only once young is over the threshold.
  virtual absl::StatusOr<size_t> ProcessRssAndSwap() = 0;
  // Memory the runtime reports holding outside mimalloc
  // (cgc_add_external_pressure); never negative.
  virtual size_t ExternalBytes() = 0;
};

// The process: alloc::FullPageBytes(), /proc/self/statm and /proc/self/status,
// and a counter fed by cgc_add_external_pressure.
class SystemMemorySource final : public MemorySource {
 public:
  size_t FullPageBytes() override;
  size_t ThreadFullPageBytes() override;
  absl::StatusOr<size_t> ProcessRssAndSwap() override;
  size_t ExternalBytes() override;

  // Adds (or, negative, releases) external bytes; clamped at zero.
  void AddExternal(int64_t bytes);

 private:
  std::atomic<int64_t> external_{0};
};

// Parsers of the /proc files, exposed for tests. RSS in pages from statm's
// second field; VmSwap in bytes (0 when the line is absent, as on kernels
// without swap accounting).
absl::StatusOr<size_t> ParseStatmResidentPages(const char* text);
absl::StatusOr<size_t> ParseStatusSwapBytes(const char* text);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_MEMORY_SOURCE_H_
