#include "memory_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "alloc_hooks/alloc_hooks.h"
#include "thread_state.h"

namespace cyclegc::internal {
namespace {

// Reads a small /proc file into buf (NUL-terminated) with plain syscalls: no
// allocation, as this may run on the allocation path.
absl::Status ReadProcFile(const char* path, char* buf, size_t cap) {
  int fd = -1;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrFormat("open %s: %s", path, std::strerror(errno)));
  }
  size_t len = 0;
  while (len + 1 < cap) {
    ssize_t n = read(fd, buf + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += static_cast<size_t>(n);
  }
  close(fd);
  buf[len] = '\0';
  if (len == 0) {
    return absl::UnavailableError(absl::StrFormat("read %s: empty", path));
  }
  return absl::OkStatus();
}

// Parses an unsigned decimal at *p, skipping leading blanks; advances *p.
bool ParseDecimal(const char** p, size_t* out) {
  const char* s = *p;
  while (*s == ' ' || *s == '\t') ++s;
  if (*s < '0' || *s > '9') return false;
  size_t v = 0;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + static_cast<size_t>(*s - '0');
    ++s;
  }
  *p = s;
  *out = v;
  return true;
}

}  // namespace

absl::StatusOr<size_t> ParseStatmResidentPages(const char* text) {
  // "size resident shared text lib data dt", in pages.
  const char* p = text;
  size_t size = 0, resident = 0;
  if (!ParseDecimal(&p, &size) || !ParseDecimal(&p, &resident)) {
    return absl::DataLossError("unexpected /proc/self/statm format");
  }
  return resident;
}

absl::StatusOr<size_t> ParseStatusSwapBytes(const char* text) {
  const char* line = std::strstr(text, "\nVmSwap:");
  if (line == nullptr) return size_t{0};
  const char* p = line + std::strlen("\nVmSwap:");
  size_t kib = 0;
  if (!ParseDecimal(&p, &kib)) {
    return absl::DataLossError("unexpected VmSwap line in /proc/self/status");
  }
  return kib * 1024;
}

size_t SystemMemorySource::FullPageBytes() { return alloc::FullPageBytes(); }

size_t SystemMemorySource::ThreadFullPageBytes() {
  const ThreadState* ts = CurrentThread();
  return ts != nullptr ? alloc::ThreadFullPageBytes(ts->heaps) : 0;
}

absl::StatusOr<size_t> SystemMemorySource::ProcessRssAndSwap() {
  char buf[4096];
  if (absl::Status s = ReadProcFile("/proc/self/statm", buf, sizeof buf);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<size_t> pages = ParseStatmResidentPages(buf);
  if (!pages.ok()) return pages.status();
  static const size_t kPageSize = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (absl::Status s = ReadProcFile("/proc/self/status", buf, sizeof buf);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<size_t> swap = ParseStatusSwapBytes(buf);
  if (!swap.ok()) return swap.status();
  return *pages * kPageSize + *swap;
}

size_t SystemMemorySource::ExternalBytes() {
  return static_cast<size_t>(external_.load(std::memory_order_relaxed));
}

void SystemMemorySource::AddExternal(int64_t bytes) {
  int64_t old = external_.load(std::memory_order_relaxed);
  int64_t next = 0;
  do {
    // Saturating: a huge report must not wrap (signed overflow).
    if (__builtin_add_overflow(old, bytes, &next))
      next = bytes > 0 ? std::numeric_limits<int64_t>::max() : 0;
    if (next < 0) next = 0;
  } while (
      !external_.compare_exchange_weak(old, next, std::memory_order_relaxed));
}

}  // namespace cyclegc::internal
