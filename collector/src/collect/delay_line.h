// A delay line for references found by a traverse: each one goes in with a
// prefetch of its referent's scratch word and comes out kSize references
// later, by when that word is (likely) in cache. The subtract and mark phases
// find references long before they must touch the referents; touching each
// only as it leaves the line keeps many cache misses in flight at once
// instead of waiting for each in turn (the idea of CPython 3.14's
// free-threaded mark buffer, in a simpler shape: no capacity checks, a fixed
// delay).
#ifndef CYCLEGC_COLLECTOR_DELAY_LINE_H_
#define CYCLEGC_COLLECTOR_DELAY_LINE_H_

#include <cstddef>

#include "cyclegc/cyclegc.h"

namespace cyclegc::internal {

// The collector writes the scratch word of what it touches: prefetch it for
// writing.
inline void PrefetchScratch(const cgc_object* o) {
  __builtin_prefetch(&o->ob_gc_, 1, 3);
}

template <unsigned kSize>
class DelayLine {
  static_assert(kSize > 0 && (kSize & (kSize - 1)) == 0,
                "the delay must be a power of two");

 public:
  // Puts `ref` (not null) in; returns what it displaced, or nullptr.
  cgc_object* Exchange(cgc_object* ref) {
    PrefetchScratch(ref);
    const unsigned i = next_++ & (kSize - 1);
    cgc_object* out = slots_[i];
    slots_[i] = ref;
    return out;
  }
  // The slot the last Exchange used, for callers that keep data beside it.
  unsigned LastSlot() const { return (next_ - 1) & (kSize - 1); }
  // Empties the line, oldest first, calling fn(reference, slot) on each.
  template <typename Fn>
  void Drain(Fn fn) {
    for (unsigned k = 0; k < kSize; ++k) {
      const unsigned i = (next_ + k) & (kSize - 1);
      cgc_object* o = slots_[i];
      if (o == nullptr) continue;
      slots_[i] = nullptr;
      fn(o, i);
    }
  }

 private:
  unsigned next_ = 0;
  cgc_object* slots_[kSize] = {};
};

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_DELAY_LINE_H_
