// Build, hold, drop: units go into a holder; when it holds `live` objects it is
// dropped whole, and its units become garbage at once.
#include <vector>

#include "absl/strings/str_cat.h"
#include "cyclegc/cyclegc.h"
#include "trash_counter.h"
#include "unit_builder.h"
#include "workload.h"

namespace cyclotron {
namespace {

class HolderWorkload : public Workload {
 public:
  explicit HolderWorkload(const PointSpec& spec)
      : spec_(spec), builder_(MakeBuilder(spec)) {}

  void RunThread(std::mt19937_64& rng, ThreadContext& ctx) override {
    std::vector<Unit> holder;
    int64_t held = 0;
    int64_t bytes = 0;
    while (!ctx.ShouldStop()) {
      const Unit unit = builder_->Build(rng);
      if (unit.head == nullptr) {
        ctx.Fail(absl::StrCat("allocation failed: ", cgc_last_error()));
        break;
      }
      holder.push_back(unit);
      held += unit.objects;
      bytes += unit.bytes;
      ctx.Created(unit.created);
      if (held >= spec_.live) {
        ctx.Holding(held, bytes);  // the holder's fullest moment
        Drop(holder);
        held = bytes = 0;
      }
      cgc_safepoint();
    }
    Drop(holder);
  }

 private:
  // Counted released before the references go, so trash never reads
  // negative.
  static void Drop(std::vector<Unit>& holder) {
    int64_t objects = 0;
    for (const Unit& u : holder) objects += u.objects;
    Counters().OnReleased(objects);
    for (const Unit& u : holder) cgc_decref(u.head);
    holder.clear();
  }

  PointSpec spec_;
  std::unique_ptr<UnitBuilder> builder_;
};

}  // namespace

std::unique_ptr<Workload> MakeHolderWorkload(const PointSpec& spec) {
  return std::make_unique<HolderWorkload>(spec);
}

std::unique_ptr<Workload> MakeWorkload(const PointSpec& spec) {
  if (spec.wl == "queue") return MakeQueueWorkload(spec);
  return MakeHolderWorkload(spec);
}

}  // namespace cyclotron
