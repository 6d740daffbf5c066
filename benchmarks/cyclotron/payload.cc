#include <cstring>

#include "workload.h"

namespace cyclotron {

bool DrawCyclic(std::mt19937_64& rng, int cyc_percent) {
  if (cyc_percent >= 100) return true;
  if (cyc_percent <= 0) return false;
  return static_cast<int>(rng() % 100) < cyc_percent;
}

void* NewPayload(size_t n) {
  if (n == 0) return nullptr;
  auto* p = static_cast<unsigned char*>(cgc_malloc(n));
  if (p == nullptr) return nullptr;
  // One write per page: enough to make it resident, cheap for big payloads.
  for (size_t off = 0; off < n; off += 4096) p[off] = 1;
  p[n - 1] = 1;
  return p;
}

}  // namespace cyclotron
