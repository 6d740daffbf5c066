#include "census.h"

#include <algorithm>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "alloc_hooks/alloc_hooks.h"
#include "fault_injection.h"
#include "log.h"
#include "object.h"

namespace cyclegc::internal {

std::atomic<bool> g_census_enabled{false};

namespace {

struct Counts {
  uint64_t objects = 0;
  uint64_t bytes = 0;
};

// node_hash_map: keys never move, so the names handed out stay valid.
using Table = absl::node_hash_map<std::string, Counts>;

absl::Mutex g_mu;
Table g_total ABSL_GUARDED_BY(g_mu);
Table g_last ABSL_GUARDED_BY(g_mu);

std::vector<cgc_census_entry> Sorted(const Table& t) {
  std::vector<cgc_census_entry> out;
  for (const auto& [name, c] : t) {
    if (c.objects != 0) out.push_back({name.c_str(), c.objects, c.bytes});
  }
  std::sort(out.begin(), out.end(),
            [](const cgc_census_entry& a, const cgc_census_entry& b) {
              if (a.bytes != b.bytes) return a.bytes > b.bytes;
              if (a.objects != b.objects) return a.objects > b.objects;
              return absl::string_view(a.type_name) <
                     absl::string_view(b.type_name);
            });
  return out;
}

void Add(Table& t, absl::string_view name, uint64_t bytes) {
  auto it = t.find(name);
  if (it == t.end()) {
    if (CGC_INJECT_ALLOC_FAILURE("census.table_insert")) return;  // not counted
    it = t.emplace(std::string(name), Counts{}).first;
  }
  it->second.objects += 1;
  it->second.bytes += bytes;
}

}  // namespace

void CensusRecordDeath(const cgc_object* o) {
  absl::string_view name = TypeName(o);
  uint64_t bytes = alloc::UsableSize(o);
  absl::MutexLock lock(&g_mu);
  Add(g_total, name, bytes);
  Add(g_last, name, bytes);
}

void CensusBeginCollection() {
  if (!CensusEnabled()) return;
  absl::MutexLock lock(&g_mu);
  for (auto& [name, c] : g_last) c = Counts{};
}

std::vector<cgc_census_entry> CensusTotals() {
  absl::MutexLock lock(&g_mu);
  return Sorted(g_total);
}

std::vector<cgc_census_entry> CensusLastCollection() {
  absl::MutexLock lock(&g_mu);
  return Sorted(g_last);
}

void CensusPrint(size_t top) {
  std::vector<cgc_census_entry> entries = CensusTotals();
  LogF(CGC_LOG_INFO,
       "cyclegc census: cyclic trash by type (%d types), top %d by bytes:",
       entries.size(), std::min(top, entries.size()));
  for (size_t i = 0; i < entries.size() && i < top; ++i) {
    LogF(CGC_LOG_INFO, "cyclegc census: %4d. %-32s %12d objects %14d bytes",
         i + 1, entries[i].type_name, entries[i].objects, entries[i].bytes);
  }
}

void CensusReset() {
  absl::MutexLock lock(&g_mu);
  for (auto& [name, c] : g_total) c = Counts{};
  for (auto& [name, c] : g_last) c = Counts{};
}

void CensusForgetNames() {
  absl::MutexLock lock(&g_mu);
  g_total.clear();
  g_last.clear();
}

}  // namespace cyclegc::internal

extern "C" {

void cgc_census_enable(int on) {
  cyclegc::internal::g_census_enabled.store(on != 0, std::memory_order_relaxed);
}

size_t cgc_census_get(cgc_census_entry* out, size_t cap) {
  std::vector<cgc_census_entry> entries = cyclegc::internal::CensusTotals();
  if (out != nullptr) {
    for (size_t i = 0; i < entries.size() && i < cap; ++i) out[i] = entries[i];
  }
  return entries.size();
}

void cgc_census_reset(void) { cyclegc::internal::CensusReset(); }

}  // extern "C"
