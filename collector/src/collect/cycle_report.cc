#include "cycle_report.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "abi.h"
#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "last_error.h"
#include "log.h"

namespace cyclegc::internal {

std::atomic<bool> g_cycles_enabled{false};

namespace {

struct Counts {
  uint64_t cycles = 0;
  uint64_t objects = 0;
  uint64_t bytes = 0;
};
// node_hash_map: keys never move, so the ring strings handed out stay valid.
using Table = absl::node_hash_map<std::string, Counts>;

// Distinct shapes kept; later ones are counted under kOtherShapes.
constexpr size_t kMaxShapes = 256;
constexpr char kOtherShapes[] = "(other shapes)";
constexpr size_t kTopShapes = 10;

absl::Mutex g_mu(absl::kConstInit);
std::unique_ptr<CycleSampler> g_sampler ABSL_GUARDED_BY(g_mu);
Table g_total ABSL_GUARDED_BY(g_mu);
size_t g_samples ABSL_GUARDED_BY(g_mu) = kDefaultCycleSamples;
bool g_print ABSL_GUARDED_BY(g_mu) = false;

const char* Name(const cgc_type* t) {
  return t->name != nullptr ? t->name : "<unnamed type>";
}

void Add(Table& t, const std::string& shape, const CycleSample& s) {
  auto it = t.find(shape);
  if (it == t.end()) {
    it = t.size() < kMaxShapes ? t.emplace(shape, Counts{}).first
                               : t.try_emplace(kOtherShapes).first;
  }
  it->second.cycles += 1;
  it->second.objects += s.objects;
  it->second.bytes += s.bytes;
}

std::vector<cgc_cycle_shape> Sorted(const Table& t) {
  std::vector<cgc_cycle_shape> out;
  for (const auto& [ring, c] : t) {
    if (c.cycles != 0) {
      out.push_back({sizeof(cgc_cycle_shape), ring.c_str(), c.cycles, c.objects,
                     c.bytes});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const cgc_cycle_shape& a, const cgc_cycle_shape& b) {
              if (a.cycles != b.cycles) return a.cycles > b.cycles;
              if (a.bytes != b.bytes) return a.bytes > b.bytes;
              return std::strcmp(a.ring, b.ring) < 0;
            });
  return out;
}

void PrintShapes(const Table& t, size_t top) {
  std::vector<cgc_cycle_shape> shapes = Sorted(t);
  for (size_t i = 0; i < shapes.size() && i < top; ++i) {
    LogF(CGC_LOG_INFO, "cyclegc cycles: %6d x %s (%d objects, %d bytes)",
         shapes[i].cycles, shapes[i].ring, shapes[i].objects, shapes[i].bytes);
  }
}

void EnableLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  if (g_sampler == nullptr) g_sampler = std::make_unique<CycleSampler>();
  g_cycles_enabled.store(true, std::memory_order_relaxed);
}

}  // namespace

std::string RingShape(const CycleSample& s) {
  const size_t n = s.ring_len;
  if (n > CycleSample::kMaxRing) {
    return absl::StrCat(Name(s.ring[0]), " -> ... (a ring of ", n, " objects)");
  }
  // The rotation whose sequence of names is smallest.
  size_t best = 0;
  for (size_t r = 1; r < n; ++r) {
    for (size_t i = 0; i < n; ++i) {
      int c =
          std::strcmp(Name(s.ring[(r + i) % n]), Name(s.ring[(best + i) % n]));
      if (c < 0) best = r;
      if (c != 0) break;
    }
  }
  std::string out;
  for (size_t i = 0; i <= n; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : " -> ", Name(s.ring[(best + i) % n]));
  }
  return out;
}

void CyclesConfigure(bool print, size_t samples) {
  absl::MutexLock lock(&g_mu);
  g_print = print;
  g_samples = samples == 0 ? kDefaultCycleSamples : samples;
  if (print) EnableLocked();
}

void CyclesRecordCollection(uint64_t collection,
                            absl::Span<cgc_object* const> unreachable) {
  absl::MutexLock lock(&g_mu);
  if (g_sampler == nullptr) return;
  absl::Span<const CycleSample> samples =
      g_sampler->Sample(unreachable, g_samples);
  Table last;
  for (const CycleSample& s : samples) {
    const std::string shape = RingShape(s);
    Add(g_total, shape, s);
    if (g_print) Add(last, shape, s);
  }
  if (!g_print || samples.empty()) return;
  LogF(CGC_LOG_INFO,
       "cyclegc cycles: gc #%d: %d cycles sampled among %d unreachable objects",
       collection, samples.size(), unreachable.size());
  PrintShapes(last, kMaxShapes);
}

std::vector<cgc_cycle_shape> CyclesTotals() {
  absl::MutexLock lock(&g_mu);
  return Sorted(g_total);
}

void CyclesShutdown() {
  absl::MutexLock lock(&g_mu);
  if (g_print) {
    LogF(CGC_LOG_INFO,
         "cyclegc cycles: sampled cycles by shape (%d shapes), top %d:",
         Sorted(g_total).size(), kTopShapes);
    PrintShapes(g_total, kTopShapes);
  }
  g_cycles_enabled.store(false, std::memory_order_relaxed);
  g_sampler.reset();
  g_total.clear();
  g_print = false;
  g_samples = kDefaultCycleSamples;
}

}  // namespace cyclegc::internal

extern "C" {

void cgc_cycles_enable(int on) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_mu);
  if (on != 0) {
    ci::EnableLocked();
  } else {
    ci::g_cycles_enabled.store(false, std::memory_order_relaxed);
  }
}

size_t cgc_cycles_get_sized_(cgc_cycle_shape* out, size_t cap,
                             size_t entry_size) {
  namespace ci = cyclegc::internal;
  if (out != nullptr && cap != 0 && entry_size < ci::kCycleShapeMinSize) {
    ci::SetLastError(CGC_EINVAL,
                     absl::StrCat("cgc_cycles_get: entry size ", entry_size,
                                  " is smaller than any cgc_cycle_shape (",
                                  ci::kCycleShapeMinSize, " bytes)"));
    return 0;
  }
  std::vector<cgc_cycle_shape> shapes = ci::CyclesTotals();
  for (size_t i = 0; out != nullptr && i < shapes.size() && i < cap; ++i) {
    auto* slot = reinterpret_cast<unsigned char*>(out) + i * entry_size;
    const size_t n = std::min(entry_size, sizeof(cgc_cycle_shape));
    shapes[i].size = n;
    std::memset(slot, 0, entry_size);
    std::memcpy(slot, &shapes[i], n);
  }
  return shapes.size();
}

void cgc_cycles_reset(void) {
  namespace ci = cyclegc::internal;
  absl::MutexLock lock(&ci::g_mu);
  for (auto& [ring, c] : ci::g_total) c = ci::Counts{};
}

}  // extern "C"
