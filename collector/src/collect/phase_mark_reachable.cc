// Step 4a (collect.cc): members with gc_refs > 0 are held from outside;
// everything they reach is alive. Explicit work stack: heaps of long chains
// must not overflow the C stack.
//
// A reference found by a traverse goes through a delay line (delay_line.h);
// its referent is checked, marked and pushed on the work stack as it leaves,
// its header prefetched by then. An object is marked when pushed, so the
// stack holds each object at most once.
#include "delay_line.h"
#include "object.h"
#include "phases.h"

namespace cyclegc::internal {
namespace {

constexpr unsigned kDelay = 32;

// Outbox sets: the subtract leaves set 0 for round 0 to apply
// (ApplySubtractInbox); round r writes set (r + 1) & 1, which round r + 1
// reads.
inline unsigned SetWrittenBy(unsigned round) { return (round + 1) & 1; }

struct MarkWork {
  DelayLine<kDelay> line;
  Part* part = nullptr;
  size_t me = 0;
  unsigned set = SetWrittenBy(0);  // the outbox set this round writes
};

inline void MarkAndPush(MarkWork& w, cgc_object* o) {
  const uintptr_t s = LoadScratch(o);
  if ((s & (kInSet | kMarked)) != kInSet) return;
  Part& part = *w.part;
  const size_t to = PartOf(s);
  if (to != w.me) {
    // Its part marks it and what it reaches, next round.
    if (!part.outbox[w.set][to].Push(o)) part.out_of_memory = true;
    return;
  }
  StoreScratch(o, s | kMarked);
  ++part.marked;
  if (!part.stack.Push(o)) part.out_of_memory = true;
}

int VisitMark(cgc_object* ref, void* arg) {
  if (ref == nullptr) return 0;
  auto* w = static_cast<MarkWork*>(arg);
  cgc_object* out = w->line.Exchange(ref);
  if (out != nullptr) MarkAndPush(*w, out);
  return 0;
}

// Traverses what the stack holds until it is empty. False on out-of-memory.
bool TraverseStack(MarkWork& w) {
  ObjectStack& stack = w.part->stack;
  while (!stack.empty() && !w.part->out_of_memory) {
    cgc_object* o = stack.Pop();
    const cgc_type* t = TypeOf(o);
    if (t->traverse != nullptr) t->traverse(o, &VisitMark, &w);
  }
  return !w.part->out_of_memory;
}

// References still in the line may reach more: drain until none is left.
void Finish(MarkWork& w) {
  for (;;) {
    w.line.Drain([&w](cgc_object* ref, unsigned) { MarkAndPush(w, ref); });
    if (w.part->stack.empty() || !TraverseStack(w)) break;
  }
}

// Round 0: from the part's roots, once its gc_refs are final.
void MarkFromRoots(CollectionState& state, size_t p) {
  if (state.num_parts > 1) ApplySubtractInbox(state, p);
  MarkWork w;
  w.part = &state.parts[p];
  w.me = p;
  const bool ok = ForEachMember(*w.part, [&w](cgc_object* root) {
    const uintptr_t s = LoadScratch(root);
    if ((s & kMarked) != 0 || GcRefs(s) == 0) return true;
    MarkAndPush(w, root);
    return TraverseStack(w);
  });
  if (ok) Finish(w);
}

// Round r > 0: from what other parts reached into this one in round r - 1.
void MarkFromInbox(CollectionState& state, size_t p, unsigned round) {
  MarkWork w;
  w.part = &state.parts[p];
  w.me = p;
  w.set = SetWrittenBy(round);
  for (size_t q = 0; q < state.num_parts; ++q) {
    ObjectStack& box = state.parts[q].outbox[SetWrittenBy(round - 1)][p];
    for (cgc_object* o : box) MarkAndPush(w, o);
    box.Truncate(0);
    if (!TraverseStack(w)) return;
  }
  Finish(w);
}

bool OutboxesEmpty(const CollectionState& state, unsigned set) {
  for (size_t p = 0; p < state.num_parts; ++p) {
    for (size_t q = 0; q < state.num_parts; ++q) {
      if (!state.parts[p].outbox[set][q].empty()) return false;
    }
  }
  return true;
}

}  // namespace

bool MarkReachableFromRoots(CollectionState& state) {
  CGC_DCHECK_WORLD_STOPPED();
  ForEachPart(state, [&state](size_t p) { MarkFromRoots(state, p); });
  // Rounds until no part reached into another.
  for (unsigned round = 1; !AnyPartOutOfMemory(state) &&
                           !OutboxesEmpty(state, SetWrittenBy(round - 1));
       ++round) {
    ForEachPart(state,
                [&state, round](size_t p) { MarkFromInbox(state, p, round); });
  }
  state.marked = 0;
  for (size_t p = 0; p < state.num_parts; ++p) {
    state.marked += state.parts[p].marked;
  }
  return !AnyPartOutOfMemory(state);
}

}  // namespace cyclegc::internal
