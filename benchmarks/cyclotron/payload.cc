#include <algorithm>
#include <cstring>

#include "block_size.h"
#include "cyclegc/cyclegc.h"
#include "workload.h"

namespace cyclotron {

bool DrawCyclic(std::mt19937_64& rng, int cyc_percent) {
  if (cyc_percent >= 100) return true;
  if (cyc_percent <= 0) return false;
  return static_cast<int>(rng() % 100) < cyc_percent;
}

void* NewPayload(size_t n) {
  if (n == 0) return nullptr;
  // Smaller requests take a one-word block anyway; a word holds the size.
  const uint64_t size = n;
  n = std::max(n, sizeof size);
  auto* p = static_cast<unsigned char*>(cgc_malloc(n));
  if (p == nullptr) return nullptr;
  // One write per page: enough to make it resident, cheap for big payloads.
  for (size_t off = 0; off < n; off += 4096) p[off] = 1;
  p[n - 1] = 1;
  // Its size in its first word: the payload is ours, no header needed.
  std::memcpy(p, &size, sizeof size);
  return p;
}

int64_t PayloadBlockBytes(const void* payload) {
  if (payload == nullptr) return 0;
  uint64_t size = 0;
  std::memcpy(&size, payload, sizeof size);
  return BlockBytes(static_cast<int64_t>(size));
}

}  // namespace cyclotron
