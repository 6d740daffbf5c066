// The struct-size scheme of the public structs (docs/abi.md): every struct
// starts with `size_t size`; fields are only appended. The library accepts any
// size from its first versioned layout up to its own, and a larger one (a
// newer header) only if the bytes it does not know are zero.
#ifndef CYCLEGC_COLLECTOR_ABI_H_
#define CYCLEGC_COLLECTOR_ABI_H_

#include <cstddef>

#include "absl/status/status.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// Sizes of the first layouts with a size field (0.2 without its appended
// fields): what a program built against the oldest supported header passes.
inline constexpr size_t kConfigMinSize = offsetof(cgc_config, cycle_samples);
inline constexpr size_t kStatsMinSize = offsetof(cgc_stats, collections_failed);
inline constexpr size_t kTypeMinSize = sizeof(cgc_type);
inline constexpr size_t kCycleShapeMinSize = sizeof(cgc_cycle_shape);

// Checks `size` of a caller's `what` (e.g. "cgc_config") at `p`, whose layout
// in this library has `ours` bytes and at least `min` in any accepted version;
// `hint` says how to set it right.
absl::Status CheckStructSize(const char* what, const char* hint, const void* p,
                             size_t size, size_t min, size_t ours);

// The checks of a C API call that fills a caller's sized struct: CGC_OK, or
// CGC_EINVAL (set as the last error, naming `call`, e.g. "cgc_get_stats",
// and its argument `arg`) for a NULL `out` or a `size` below `min`, the
// smallest layout of `type`.
int CheckSizedOut(const char* call, const char* arg, const void* out,
                  size_t size, size_t min, const char* type);

// OK for a type this library can read; else the error for cgc_alloc.
absl::Status CheckType(const cgc_type* type);

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_ABI_H_
