#include "worker.h"

#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cyclegc/cyclegc.h"
#include "trash_counter.h"
#include "workload.h"

namespace cyclotron {
namespace {

constexpr int64_t kFlushObjects = 1024;

void Fail(WorkerShared* shared, const std::string& message) {
  absl::MutexLock lock(&shared->mu);
  if (shared->error.empty()) shared->error = message;
  shared->failed.store(true);
  shared->stop.store(true);
}

// The holder's units become garbage: counted released before the references
// go, so trash never reads negative.
void DropHolder(std::vector<Unit>& holder, int64_t& held) {
  Counters().OnReleased(held);
  for (const Unit& u : holder) cgc_decref(u.head);
  holder.clear();
  held = 0;
}

void Flush(WorkerShared* shared, int64_t& pending) {
  const int64_t before = shared->created.fetch_add(pending);
  if (before < shared->objects_target &&
      before + pending >= shared->objects_target) {
    shared->target_ns.store(
        absl::ToInt64Nanoseconds(absl::Now() - shared->start));
  }
  pending = 0;
}

}  // namespace

void RunWorker(PointSpec spec, uint64_t seed, WorkerShared* shared) {
  if (cgc_thread_attach() != 0) {
    Fail(shared, absl::StrCat("cgc_thread_attach: ", cgc_last_error()));
    return;
  }
  std::mt19937_64 rng(seed);
  std::unique_ptr<UnitBuilder> builder = MakeBuilder(spec);
  std::vector<Unit> holder;
  int64_t held = 0;
  int64_t pending = 0;
  while (!shared->stop.load(std::memory_order_relaxed)) {
    const Unit unit = builder->Build(rng);
    if (unit.head == nullptr) {
      Fail(shared, absl::StrCat("allocation failed: ", cgc_last_error()));
      break;
    }
    holder.push_back(unit);
    held += unit.objects;
    pending += unit.created;
    if (held >= spec.live) DropHolder(holder, held);
    if (pending >= kFlushObjects) Flush(shared, pending);
    cgc_safepoint();
  }
  DropHolder(holder, held);
  cgc_thread_detach();
}

}  // namespace cyclotron
