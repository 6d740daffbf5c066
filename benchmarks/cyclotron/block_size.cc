#include "block_size.h"

#include <bit>

namespace cyclotron {
namespace {

constexpr int64_t kWord = 8;
constexpr int64_t kMediumMax = 128 * 1024;  // MI_MEDIUM_OBJ_SIZE_MAX

int64_t AlignUp(int64_t n, int64_t align) {
  return (n + align - 1) / align * align;
}

}  // namespace

int64_t BlockBytes(int64_t request) {
  if (request <= 0) return 0;
  int64_t wsize = (request + kWord - 1) / kWord;
  if (wsize <= 8) return wsize * kWord;
  if (request <= kMediumMax) {
    // mi_bin: the top three bits of wsize - 1 pick the class; the class holds
    // sizes up to (top three bits + 1) << (b - 2) words.
    --wsize;
    const int b = std::bit_width(static_cast<uint64_t>(wsize)) - 1;
    const int64_t top = wsize >> (b - 2);  // 4..7
    return ((top + 1) << (b - 2)) * kWord;
  }
  // _mi_os_good_alloc_size: a page of its own, rounded by size range.
  constexpr int64_t kKiB = 1024, kMiB = 1024 * 1024;
  if (request < 512 * kKiB) return AlignUp(request, 4 * kKiB);
  if (request < 2 * kMiB) return AlignUp(request, 64 * kKiB);
  if (request < 8 * kMiB) return AlignUp(request, 256 * kKiB);
  if (request < 32 * kMiB) return AlignUp(request, kMiB);
  return AlignUp(request, 4 * kMiB);
}

}  // namespace cyclotron
