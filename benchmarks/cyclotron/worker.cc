#include "worker.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cyclegc/cyclegc.h"
#include "workload.h"

namespace cyclotron {
namespace {

constexpr int64_t kFlushObjects = 1024;

class SharedContext : public ThreadContext {
 public:
  explicit SharedContext(WorkerShared* shared) : shared_(shared) {}

  bool ShouldStop() const override {
    return shared_->stop.load(std::memory_order_relaxed);
  }

  void Created(int64_t objects) override {
    pending_ += objects;
    if (pending_ >= kFlushObjects) Flush();
  }

  void Holding(int64_t objects, int64_t bytes) override {
    max_objects_ = std::max(max_objects_, objects);
    max_bytes_ = std::max(max_bytes_, bytes);
  }

  void Fail(const std::string& message) override {
    absl::MutexLock lock(&shared_->mu);
    if (shared_->error.empty()) shared_->error = message;
    shared_->failed.store(true);
    shared_->stop.store(true);
  }

  // At the thread's end: what it held at most. Objects still pending stay
  // out of the count, as they would between flushes.
  void Finish() {
    shared_->live_objects.fetch_add(max_objects_);
    shared_->live_bytes.fetch_add(max_bytes_);
  }

 private:
  void Flush() {
    const int64_t before = shared_->created.fetch_add(pending_);
    if (before < shared_->objects_target &&
        before + pending_ >= shared_->objects_target) {
      shared_->target_ns.store(
          absl::ToInt64Nanoseconds(absl::Now() - shared_->start));
    }
    pending_ = 0;
  }

  WorkerShared* shared_;
  int64_t pending_ = 0;
  int64_t max_objects_ = 0;
  int64_t max_bytes_ = 0;
};

}  // namespace

void RunWorker(PointSpec spec, uint64_t seed, WorkerShared* shared) {
  SharedContext ctx(shared);
  if (cgc_thread_attach() != 0) {
    ctx.Fail(absl::StrCat("cgc_thread_attach: ", cgc_last_error()));
    return;
  }
  std::mt19937_64 rng(seed);
  MakeWorkload(spec)->RunThread(rng, ctx);
  ctx.Finish();
  cgc_thread_detach();
}

}  // namespace cyclotron
