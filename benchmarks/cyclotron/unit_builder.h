// The units of the holder workloads (chain, tree). A unit is one group of GC
// objects built at once and referenced from the holder by one strong
// reference (its head); when the holder has `live` objects it is dropped and
// its units become garbage: freed at once by refcounting, or trash until a
// collection if cyclic.
#ifndef CYCLOTRON_UNIT_BUILDER_H_
#define CYCLOTRON_UNIT_BUILDER_H_

#include <cstdint>
#include <memory>
#include <random>

#include "cyclegc/cyclegc.h"
#include "point_spec.h"

namespace cyclotron {

struct Unit {
  cgc_object* head = nullptr;  // one reference, owned by the caller
  int64_t objects = 0;         // objects reachable from head, all counted
  int64_t created = 0;         // objects created while building (>= objects)
  int64_t bytes = 0;           // allocator blocks of those objects + payloads
};

class UnitBuilder {
 public:
  virtual ~UnitBuilder() = default;
  // Builds one unit on the calling (attached) thread; head is null on
  // allocation failure (cgc_last_error() says why). Counts every object it
  // creates, releases and (through the types' destroy) frees.
  virtual Unit Build(std::mt19937_64& rng) = 0;
};

// Chain: `cycle` nodes; the first holds the payload (`extra` bytes from
// cgc_malloc) and a witness object whose destruction counts the unit freed;
// the last points back to the first when the unit is cyclic.
std::unique_ptr<UnitBuilder> MakeChainBuilder(const PointSpec& spec);
// Tree: a B+tree (branching 16) of about cycle/2 records inserted in random
// key order; the lowest 20% of keys are deleted and re-inserted; records carry
// payloads averaging extra/records bytes (so a unit holds about `extra`);
// a cyclic tree references itself.
std::unique_ptr<UnitBuilder> MakeTreeBuilder(const PointSpec& spec);
// The builder of a holder workload ("chain" or "tree").
std::unique_ptr<UnitBuilder> MakeBuilder(const PointSpec& spec);

}  // namespace cyclotron

#endif  // CYCLOTRON_UNIT_BUILDER_H_
