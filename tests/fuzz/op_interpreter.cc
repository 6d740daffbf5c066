#include "op_interpreter.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cyclegc/cyclegc.h"

namespace cyclegc::fuzz {
namespace {

constexpr int kSlots = 3;
constexpr size_t kMaxOps = 4096;
constexpr size_t kMaxObjects = 512;
constexpr size_t kMaxWeakrefs = 256;
constexpr uint32_t kAlive = 0x0B7EC7A1u;
constexpr uint32_t kDead = 0xDEADDEADu;

struct Node {
  cgc_object hdr;
  uint32_t magic;
  int id;
  bool resurrect;  // its finalizer keeps it alive (once: finalizers run once)
  bool weak_in_final;  // its finalizer makes a weakref to it
  bool weak_in_clear;  // a collector's clear of it tries a weakref to slot 0
  cgc_weakref* probe;  // the last weakref a finalizer/callback made to it
  cgc_object* slots[kSlots];
};

Node* AsNode(cgc_object* o) { return reinterpret_cast<Node*>(o); }

// What the library did, as seen from the type's callbacks. Only one thread
// runs operations at a time (hand-offs are synchronous), so plain fields do.
struct Observed {
  std::vector<int> destroyed;  // per object id
  std::vector<int> finalized;  // per object id
  std::vector<int> weak_cb;    // per weakref index
  std::vector<int> destroyed_this_op;
  std::vector<cgc_object*> resurrected;  // references finalizers took
  uint64_t collections = 0;              // STOP events
  std::string error;  // first inconsistency seen in a callback
  // What a weakref callback does besides counting (per weakref index): make a
  // weakref to `partner` (and take a strong reference through it) if its
  // target is still counted, i.e. a collection's trash, not a refcount death.
  struct Plan {
    cgc_object* target = nullptr;
    int partner = -1;
    cgc_object* partner_ptr = nullptr;
    bool take = false;
  };
  std::vector<Plan> plans;
  std::vector<cgc_weakref*> final_weak;  // per object id (finalizer-made)
  std::vector<int> final_cb;             // per object id
  struct Made {
    cgc_weakref* w;
    int id;
    uint64_t collection;  // made during this collection (1-based)
  };
  std::vector<Made> made;         // by callbacks
  std::vector<int> got_in_clear;  // ids a collector's clear got (this op)
  bool probing = true;            // clears probe their object's weakref
};
Observed* g_obs = nullptr;

void Fail(std::string msg) {
  if (g_obs->error.empty()) g_obs->error = std::move(msg);
}

int NodeTraverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
  for (cgc_object* s : AsNode(self)->slots) {
    if (s != nullptr) {
      if (int r = visit(s, arg)) return r;
    }
  }
  return 0;
}

// A clear must not be able to fetch its own object through a weakref: it is
// trash (collection) or dying (refcounting).
void NodeClear(cgc_object* self) {
  Node* n = AsNode(self);
  if (g_obs->probing && n->probe != nullptr) {
    if (cgc_object* got = cgc_weakref_get(n->probe)) {
      Fail(absl::StrCat("clear of object ", n->id,
                        " got it through a weakref made by a finalizer or "
                        "callback"));
      cgc_decref(got);
    }
  }
  // A collector's clear (its object still counted) makes a weakref to what it
  // holds first and tries it: that must not hand out the collection's trash.
  if (n->weak_in_clear && n->slots[0] != nullptr && cgc_refcount(self) > 0) {
    cgc_weakref* w = cgc_weakref_new(n->slots[0], nullptr, nullptr);
    if (w == nullptr) return Fail("cgc_weakref_new in a clear failed");
    if (cgc_object* got = cgc_weakref_get(w)) {
      g_obs->got_in_clear.push_back(AsNode(got)->id);
      cgc_decref(got);
    }
    cgc_weakref_free(w);
  }
  for (cgc_object*& s : AsNode(self)->slots) {
    cgc_object* old = std::exchange(s, nullptr);
    if (old != nullptr) cgc_decref(old);
  }
}

void NodeDestroy(cgc_object* self) {
  Node* n = AsNode(self);
  if (n->magic != kAlive) {
    Fail(absl::StrCat("destroy called on object ", n->id,
                      " that is not alive (magic ", n->magic, ")"));
    return;
  }
  n->magic = kDead;
  if (++g_obs->destroyed[n->id] > 1)
    Fail(absl::StrCat("object ", n->id, " destroyed twice"));
  g_obs->destroyed_this_op.push_back(n->id);
}

void FinalWeakCallback(cgc_weakref*, void* arg) {
  ++g_obs->final_cb[static_cast<size_t>(reinterpret_cast<uintptr_t>(arg))];
}

void NodeFinalize(cgc_object* self) {
  Node* n = AsNode(self);
  if (n->magic != kAlive) Fail(absl::StrCat("finalize on dead object ", n->id));
  if (++g_obs->finalized[n->id] > 1)
    Fail(absl::StrCat("object ", n->id, " finalized twice"));
  if (n->weak_in_final) {
    cgc_weakref* w =
        cgc_weakref_new(self, FinalWeakCallback,
                        reinterpret_cast<void*>(static_cast<uintptr_t>(n->id)));
    if (w == nullptr) return Fail("cgc_weakref_new in a finalizer failed");
    g_obs->final_weak[n->id] = w;
    n->probe = w;
  }
  if (n->resurrect) {
    cgc_incref(self);
    g_obs->resurrected.push_back(self);
  }
}

void WeakCallback(cgc_weakref*, void* arg) {
  const size_t index = static_cast<size_t>(reinterpret_cast<uintptr_t>(arg));
  ++g_obs->weak_cb[index];
  const Observed::Plan& plan = g_obs->plans[index];
  if (plan.partner < 0 || cgc_refcount(plan.target) == 0) return;
  if (g_obs->destroyed[plan.partner] != 0 ||
      cgc_refcount(plan.partner_ptr) == 0)
    return;
  cgc_weakref* w = cgc_weakref_new(plan.partner_ptr, nullptr, nullptr);
  if (w == nullptr) return Fail("cgc_weakref_new in a callback failed");
  g_obs->made.push_back({w, plan.partner, g_obs->collections + 1});
  AsNode(plan.partner_ptr)->probe = w;
  if (!plan.take) return;
  if (cgc_object* got = cgc_weakref_get(w)) {
    g_obs->resurrected.push_back(got);
  } else {
    Fail(absl::StrCat("weakref made by a callback to live object ",
                      plan.partner, " returned NULL"));
  }
}

void OnEvent(const cgc_event* ev, void*) {
  if (ev->kind == CGC_EVENT_STOP) ++g_obs->collections;
}

const cgc_type kPlainType = {sizeof(cgc_type), "fuzz.plain", NodeTraverse,
                             NodeClear,        nullptr,      NodeDestroy};
const cgc_type kFinalType = {sizeof(cgc_type), "fuzz.final", NodeTraverse,
                             NodeClear,        NodeFinalize, NodeDestroy};

// ---- The reference model
// -------------------------------------------------------

struct MObj {
  cgc_object* ptr;
  bool alive = true;
  bool has_finalizer = false;
  bool resurrect = false;
  bool finalized = false;
  bool weak_in_final = false;
  int final_weak = 0;       // its finalizer's weakref: 0 none, 1 set, 2 cleared
  bool per_thread = false;  // zero is seen only at a collection's stopped merge
  bool untracked = false;   // cgc_alloc_untracked: never a source of links
  int rc = 1;
  std::array<int, kSlots> slots{-1, -1, -1};
};

struct MWeak {
  cgc_weakref* w;
  int target;
  bool has_cb;
  bool cleared = false;
  bool freed = false;
  int cb_expected = 0;
  int partner = -1;  // Observed::Plan
  bool take = false;
};

class Model {
 public:
  std::vector<MObj> objs;
  std::vector<int> handles;  // each holds one strong reference
  std::vector<MWeak> weaks;
  std::vector<int> dead_this_op;
  std::vector<int> resurrected_this_op;
  std::vector<int> pending;  // per-thread counted, at zero, not yet seen
  uint64_t collections = 0;
  // Per object: the last collection that found it unreachable (and so
  // cleared every weakref to it made before).
  std::vector<uint64_t> trash_in;

  void Decref(int id) {
    if (--objs[id].rc != 0) return;
    if (objs[id].per_thread && !collecting_) {
      pending.push_back(id);
    } else {
      Die(id);
    }
  }

  // A weakref get or similar brought `id` back from zero.
  void Revived(int id) {
    pending.erase(std::remove(pending.begin(), pending.end(), id),
                  pending.end());
  }

  // Refcount death: finalizer first (may resurrect), then weakrefs, clear.
  void Die(int id) {
    MObj& o = objs[id];
    o.per_thread = false;  // a death seen at a merge ends per-thread counting
    if (o.has_finalizer && !o.finalized) {
      o.finalized = true;
      if (o.weak_in_final) o.final_weak = 1;
      if (o.resurrect) {
        o.rc = 1;  // the finalizer's reference
        resurrected_this_op.push_back(id);
        return;
      }
    }
    ClearWeakrefsTo(id);
    o.alive = false;
    dead_this_op.push_back(id);
    for (int& s : o.slots) {
      const int t = std::exchange(s, -1);
      if (t >= 0) Decref(t);
    }
  }

  // One full collection; returns the number of objects it frees.
  size_t Collect() {
    ++collections;
    trash_in.resize(objs.size(), 0);
    collecting_ = true;
    // Per-thread deaths found at the first stop are settled before marking.
    while (!pending.empty()) {
      std::vector<int> now;
      now.swap(pending);
      for (int id : now) {
        if (objs[id].alive && objs[id].rc == 0) Die(id);
      }
    }
    const size_t freed = CollectSettled();
    collecting_ = false;
    return freed;
  }

 private:
  size_t CollectSettled() {
    // References finalizers took this op are roots too (handles after Check).
    std::vector<int> roots = handles;
    roots.insert(roots.end(), resurrected_this_op.begin(),
                 resurrected_this_op.end());
    std::vector<char> reach = Closure(roots, nullptr);
    std::vector<char> unreachable(objs.size(), 0);
    // Untracked objects are never in the set: one that only trash holds
    // dies by refcounting when the trash is cleared (Decref below).
    for (size_t i = 0; i < objs.size(); ++i) {
      unreachable[i] = objs[i].alive && !reach[i] && !objs[i].untracked;
    }
    std::vector<int> firing;  // weakrefs whose callbacks run now
    for (size_t i = 0; i < objs.size(); ++i) {
      if (!unreachable[i]) continue;
      ClearWeakrefsTo(static_cast<int>(i), &firing);
      trash_in[i] = collections;
    }
    std::vector<int> resurrected;
    // Callbacks first (world running): those with a plan make a weakref to
    // their partner, which is alive now (nothing is freed yet), and may take
    // a reference through it, resurrecting it if it is trash.
    for (int index : firing) {
      const MWeak& w = weaks[index];
      if (w.partner < 0 || !objs[w.partner].alive) continue;
      if (!w.take) continue;
      ++objs[w.partner].rc;
      resurrected.push_back(w.partner);
      resurrected_this_op.push_back(w.partner);
    }
    for (size_t i = 0; i < objs.size(); ++i) {
      MObj& o = objs[i];
      if (!unreachable[i] || !o.has_finalizer || o.finalized) continue;
      o.finalized = true;
      if (o.weak_in_final) o.final_weak = 1;
      if (o.resurrect) {
        ++o.rc;
        resurrected.push_back(static_cast<int>(i));
        resurrected_this_op.push_back(static_cast<int>(i));
      }
    }
    // What a resurrected object reaches is alive again.
    std::vector<char> back = Closure(resurrected, &unreachable);
    std::vector<int> dead;
    for (size_t i = 0; i < objs.size(); ++i) {
      if (unreachable[i] && !back[i]) dead.push_back(static_cast<int>(i));
    }
    for (int d : dead) {
      ClearWeakrefsTo(d);  // those its finalizer made
      objs[d].alive = false;
      dead_this_op.push_back(d);
    }
    for (int d : dead) {
      for (int& s : objs[d].slots) {
        const int t = std::exchange(s, -1);
        if (t >= 0 && objs[t].alive) Decref(t);
      }
    }
    return dead.size();
  }

  void ClearWeakrefsTo(int id, std::vector<int>* firing = nullptr) {
    if (objs[id].final_weak == 1) objs[id].final_weak = 2;
    for (size_t i = 0; i < weaks.size(); ++i) {
      MWeak& w = weaks[i];
      if (w.target != id || w.cleared) continue;
      w.cleared = true;
      if (w.has_cb && !w.freed) {
        w.cb_expected = 1;
        if (firing != nullptr) firing->push_back(static_cast<int>(i));
      }
    }
  }

  bool collecting_ = false;

  // Objects reachable from `from` through slots (restricted to `within`).
  std::vector<char> Closure(const std::vector<int>& from,
                            const std::vector<char>* within) {
    std::vector<char> seen(objs.size(), 0);
    std::vector<int> stack;
    for (int r : from) {
      if (!seen[r]) {
        seen[r] = 1;
        stack.push_back(r);
      }
    }
    while (!stack.empty()) {
      const int id = stack.back();
      stack.pop_back();
      for (int t : objs[id].slots) {
        if (t < 0 || seen[t] || (within != nullptr && !(*within)[t])) continue;
        seen[t] = 1;
        stack.push_back(t);
      }
    }
    return seen;
  }
};

// ---- The second thread
// -----------------------------------------------------------

// An attached thread that runs operations handed to it, one at a time, while
// the handing thread waits as a stopped thread (blocking section).
class Worker {
 public:
  Worker() : thread_([this] { Loop(); }) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return ready_; });
  }
  ~Worker() { Exit(); }

  int attach_rc() const { return attach_rc_; }

  void Run(std::function<void()> fn) {
    cgc_blocking_begin();
    {
      std::unique_lock lock(mu_);
      task_ = std::move(fn);
      cv_.notify_all();
      cv_.wait(lock, [this] { return !task_; });
    }
    cgc_blocking_end();
  }

  // Detaches (may collect) and exits.
  void Exit() {
    if (!thread_.joinable()) return;
    cgc_blocking_begin();
    {
      std::lock_guard lock(mu_);
      exit_ = true;
      cv_.notify_all();
    }
    thread_.join();
    cgc_blocking_end();
  }

 private:
  void Loop() {
    attach_rc_ = cgc_thread_attach();
    {
      std::lock_guard lock(mu_);
      ready_ = true;
      cv_.notify_all();
    }
    if (attach_rc_ != CGC_OK) return;
    cgc_blocking_begin();
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return task_ || exit_; });
      if (!task_) break;
      lock.unlock();
      cgc_blocking_end();
      task_();
      cgc_blocking_begin();
      lock.lock();
      task_ = nullptr;
      cv_.notify_all();
    }
    lock.unlock();
    cgc_blocking_end();
    cgc_thread_detach();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> task_;
  bool ready_ = false;
  bool exit_ = false;
  int attach_rc_ = CGC_OK;
  std::thread thread_;
};

// ---- The interpreter
// ----------------------------------------------------------------

enum Op : uint8_t {
  kAlloc,
  kLink,
  kUnlink,
  kRelease,
  kDup,
  kLoad,
  kWeakNew,
  kWeakGet,
  kWeakFree,
  kCollect,
  kEnable,
  kSwitchThread,
  kWorkerExit,
  kPerThread,
  kNumOps
};

const char* OpName(int op) {
  static const char* const kNames[] = {
      "alloc",  "link",     "unlink",      "release",   "dup",
      "load",   "weak_new", "weak_get",    "weak_free", "collect",
      "enable", "switch",   "worker_exit", "per_thread"};
  return op < kNumOps ? kNames[op] : "?";
}

std::string Ids(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return absl::StrCat("{", absl::StrJoin(v, ","), "}");
}

class Interpreter {
 public:
  Interpreter(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  RunResult Run() {
    cgc_config config;
    cgc_config_default(&config);
    config.apply_env = 0;
    // Inputs starting "X2" also use the operations added later (per-thread
    // counts, weakrefs made by finalizers, callbacks and clears), "X3" also
    // untracked allocations; older inputs keep their meaning.
    if (size_ >= 2 && data_[0] == 'X' && (data_[1] == '2' || data_[1] == '3')) {
      extended_ = true;
      untracked_allocs_ = data_[1] == '3';
      pos_ = 2;
    }
    config.trigger = CGC_TRIGGER_COUNT;
    config.threshold = 1 + static_cast<size_t>(Next()) * 8;
    if (cgc_init(&config) != CGC_OK) {
      result_.error = absl::StrCat("cgc_init failed: ", cgc_last_error());
      return result_;
    }
    cgc_callback_add(OnEvent, nullptr);
    while (pos_ < size_ && result_.ops < kMaxOps && result_.error.empty()) {
      const int op = Next() % (extended_ ? kNumOps : kPerThread);
      ++result_.ops;
      Step(op);
    }
    if (result_.error.empty()) TearDown();
    worker_.reset();
    cgc_callback_remove(OnEvent, nullptr);
    obs_.probing = false;  // shutdown frees every weakref
    if (result_.error.empty()) {
      const std::vector<int> before = obs_.destroyed;
      cgc_shutdown();
      for (size_t id = 0; id < model_.objs.size(); ++id) {
        if (obs_.destroyed[id] != 1) {
          result_.error = absl::StrCat(
              "object ", id, " destroyed ", obs_.destroyed[id],
              " times by the end (", before[id], " before shutdown)");
          break;
        }
      }
    } else {
      cgc_shutdown();
    }
    return result_;
  }

 private:
  uint8_t Next() { return pos_ < size_ ? data_[pos_++] : 0; }

  // Runs `fn` on the thread that currently executes operations.
  void OnCurrentThread(const std::function<void()>& fn) {
    if (on_worker_ && worker_) {
      worker_->Run(fn);
    } else {
      fn();
    }
  }

  void Step(int op) {
    obs_.destroyed_this_op.clear();
    obs_.got_in_clear.clear();
    model_.dead_this_op.clear();
    model_.resurrected_this_op.clear();
    const uint64_t collections_before = obs_.collections;
    size_t collected = 0;
    size_t model_collected = 0;
    bool explicit_collect = false;

    const uint8_t a = Next(), b = Next(), c = Next();
    const size_t nh = model_.handles.size();
    if (trace_) {
      std::fprintf(stderr, "op %zu %s(%d,%d,%d) handles=%s thread=%d\n",
                   result_.ops, OpName(op), a, b, c,
                   Ids(model_.handles).c_str(), on_worker_ ? 1 : 0);
    }
    switch (op) {
      case kAlloc: {
        if (model_.objs.size() >= kMaxObjects) break;
        const bool final = (a & 1) != 0;
        // A plain object may come from cgc_alloc_untracked: a leaf (the
        // interpreter never links from it), which no collection visits but
        // which dies with the trash that holds it.
        const bool untracked = untracked_allocs_ && !final && (a & 16) != 0;
        OnCurrentThread([&] {
          Alloc(final, final && (a & 2) != 0,
                extended_ && final && (a & 4) != 0, extended_ && (a & 8) != 0,
                untracked);
        });
        break;
      }
      case kLink:
        if (nh == 0 || model_.objs[model_.handles[a % nh]].untracked) break;
        OnCurrentThread([&] {
          Link(model_.handles[a % nh], b % kSlots, model_.handles[c % nh]);
        });
        break;
      case kUnlink:
        if (nh == 0) break;
        OnCurrentThread([&] { Link(model_.handles[a % nh], b % kSlots, -1); });
        break;
      case kRelease:
        if (nh == 0) break;
        OnCurrentThread([&] { Release(a % nh); });
        break;
      case kDup:
        if (nh == 0) break;
        OnCurrentThread([&] {
          const int id = model_.handles[a % nh];
          cgc_incref(model_.objs[id].ptr);
          ++model_.objs[id].rc;
          model_.handles.push_back(id);
        });
        break;
      case kLoad:
        if (nh == 0) break;
        OnCurrentThread([&] {
          const int id = model_.handles[a % nh];
          const int t = model_.objs[id].slots[b % kSlots];
          if (t < 0) return;
          cgc_incref(AsNode(model_.objs[id].ptr)->slots[b % kSlots]);
          ++model_.objs[t].rc;
          model_.handles.push_back(t);
        });
        break;
      case kWeakNew:
        if (nh == 0 || model_.weaks.size() >= kMaxWeakrefs) break;
        OnCurrentThread([&] {
          WeakNew(model_.handles[a % nh], (b & 1) != 0,
                  extended_ && (b & 2) != 0 ? model_.handles[c % nh] : -1,
                  (b & 4) != 0);
        });
        break;
      case kWeakGet:
        if (model_.weaks.empty()) break;
        OnCurrentThread([&] { WeakGet(a % model_.weaks.size()); });
        break;
      case kWeakFree:
        if (model_.weaks.empty()) break;
        OnCurrentThread([&] {
          MWeak& w = model_.weaks[a % model_.weaks.size()];
          if (w.freed) return;
          cgc_weakref_free(w.w);
          w.freed = true;
        });
        break;
      case kCollect:
        explicit_collect = true;
        OnCurrentThread([&] { collected = cgc_collect(); });
        model_collected = model_.Collect();
        break;
      case kEnable:
        OnCurrentThread([&] {
          if (a & 1) {
            cgc_enable();
          } else {
            cgc_disable();
          }
          if (cgc_is_enabled() != (a & 1))
            Error("cgc_is_enabled disagrees with the last call");
        });
        break;
      case kSwitchThread:
        if (on_worker_) {
          on_worker_ = false;
        } else {
          if (!worker_) {
            worker_ = std::make_unique<Worker>();
            if (worker_->attach_rc() != CGC_OK) {
              Error(absl::StrCat("worker attach failed: ", cgc_last_error()));
            }
          }
          on_worker_ = true;
        }
        break;
      case kWorkerExit:
        if (worker_) worker_->Exit();
        worker_.reset();
        on_worker_ = false;
        break;
      case kPerThread:
        // Not on untracked objects: one that trash holds would die at the
        // next stopped merge, not in the collection that frees the trash.
        if (nh == 0 || model_.objs[model_.handles[a % nh]].untracked) break;
        PerThread(a % nh, (b & 1) != 0 ? static_cast<int>(c % nh) : -1);
        break;
      default:
        break;
    }
    Settle();
    // Automatic collections (allocation, thread exit) happen at points where
    // the model is consistent; replay them.
    const uint64_t ran = obs_.collections - collections_before;
    for (uint64_t i = explicit_collect ? 1 : 0; i < ran; ++i) model_.Collect();
    result_.collections += ran;
    if (explicit_collect && collected != model_collected) {
      Error(absl::StrCat("cgc_collect returned ", collected, ", model frees ",
                         model_collected));
    }
    // What a clear got is alive, so it cannot die in the same operation
    // unless it was the collection's trash. (An untracked object that only
    // trash held is never trash: it dies by refcounting once the clears drop
    // it, and the model checks that death as any other.)
    for (int id : obs_.got_in_clear) {
      if (model_.objs[id].untracked) continue;
      if (std::find(obs_.destroyed_this_op.begin(),
                    obs_.destroyed_this_op.end(),
                    id) != obs_.destroyed_this_op.end()) {
        Error(absl::StrCat("a clear got trash object ", id,
                           " through a weakref it made"));
      }
    }
    Check(op, ran > 0);
  }

  // Biased refcounting: a non-owner's decref that brings an object to zero
  // queues it to its owner, which frees it at its next safepoint. Poll both
  // threads until nothing more dies, so the model's "dies at once" holds.
  void Settle() {
    for (int round = 0; round < 64; ++round) {
      const size_t before = Progress();
      cgc_safepoint();
      if (worker_) worker_->Run([] { cgc_safepoint(); });
      if (Progress() == before) return;
    }
  }

  size_t Progress() const {
    size_t n = obs_.resurrected.size();
    for (int d : obs_.destroyed) n += static_cast<size_t>(d);
    for (int f : obs_.finalized) n += static_cast<size_t>(f);
    return n;
  }

  void Alloc(bool final, bool resurrect, bool weak_in_final, bool weak_in_clear,
             bool untracked) {
    const cgc_type* type = final ? &kFinalType : &kPlainType;
    cgc_object* o = untracked ? cgc_alloc_untracked(type, sizeof(Node))
                              : cgc_alloc(type, sizeof(Node));
    if (o == nullptr) {
      Error(absl::StrCat("cgc_alloc returned NULL: ", cgc_last_error()));
      return;
    }
    Node* n = AsNode(o);
    const int id = static_cast<int>(model_.objs.size());
    n->magic = kAlive;
    n->id = id;
    n->resurrect = resurrect;
    n->weak_in_final = weak_in_final;
    n->weak_in_clear = weak_in_clear;
    n->probe = nullptr;
    MObj m;
    m.ptr = o;
    m.has_finalizer = final;
    m.resurrect = resurrect;
    m.weak_in_final = weak_in_final;
    m.untracked = untracked;
    model_.objs.push_back(m);
    model_.handles.push_back(id);
    obs_.destroyed.push_back(0);
    obs_.finalized.push_back(0);
    obs_.final_weak.push_back(nullptr);
    obs_.final_cb.push_back(0);
  }

  // Stores `target` (or NULL for -1) into slot `slot` of `id`.
  void Link(int id, int slot, int target) {
    MObj& m = model_.objs[id];
    cgc_object*& s = AsNode(m.ptr)->slots[slot];
    cgc_object* old = s;
    if (target >= 0) cgc_incref(model_.objs[target].ptr);
    s = target >= 0 ? model_.objs[target].ptr : nullptr;
    if (target >= 0) ++model_.objs[target].rc;
    const int old_id = std::exchange(m.slots[slot], target);
    if (old != nullptr) cgc_decref(old);
    if (old_id >= 0) model_.Decref(old_id);
  }

  void Release(size_t handle) {
    const int id = model_.handles[handle];
    model_.handles[handle] = model_.handles.back();
    model_.handles.pop_back();
    cgc_decref(model_.objs[id].ptr);
    model_.Decref(id);
  }

  void WeakNew(int id, bool with_cb, int partner, bool take) {
    if (!with_cb) partner = -1;
    const size_t index = model_.weaks.size();
    cgc_weakref* w =
        cgc_weakref_new(model_.objs[id].ptr, with_cb ? WeakCallback : nullptr,
                        reinterpret_cast<void*>(static_cast<uintptr_t>(index)));
    if (w == nullptr) {
      Error(absl::StrCat("cgc_weakref_new returned NULL: ", cgc_last_error()));
      return;
    }
    MWeak m{w, id, with_cb};
    m.partner = partner;
    m.take = partner >= 0 && take;
    model_.weaks.push_back(m);
    obs_.weak_cb.push_back(0);
    Observed::Plan plan;
    plan.target = model_.objs[id].ptr;
    plan.partner = partner;
    plan.partner_ptr = partner >= 0 ? model_.objs[partner].ptr : nullptr;
    plan.take = m.take;
    obs_.plans.push_back(plan);
  }

  void WeakGet(size_t index) {
    MWeak& w = model_.weaks[index];
    if (w.freed) return;
    cgc_object* got = cgc_weakref_get(w.w);
    if (w.cleared) {
      if (got != nullptr) {
        Error(absl::StrCat("weakref ", index, " to dead object ", w.target,
                           " returned an object"));
      }
      return;
    }
    if (got != model_.objs[w.target].ptr) {
      Error(absl::StrCat("weakref ", index, " to live object ", w.target,
                         " returned ",
                         got == nullptr ? "NULL" : "another object"));
      return;
    }
    if (++model_.objs[w.target].rc == 1) model_.Revived(w.target);
    model_.handles.push_back(w.target);
  }

  // Switches handle `h`'s object to per-thread counts on the current thread.
  // With `drop` >= 0, the other thread first drops handle `drop` (to another
  // reference of the same object), which may queue a merge to this thread.
  void PerThread(size_t h, int drop) {
    const int id = model_.handles[h];
    if (drop >= 0 && worker_ && model_.objs[id].rc >= 2) {
      size_t other = model_.handles.size();
      for (size_t i = 0; i < model_.handles.size(); ++i) {
        if (i != h && model_.handles[i] == id) other = i;
      }
      if (other < model_.handles.size()) {
        const std::function<void()> release = [&] { Release(other); };
        if (on_worker_) {
          release();  // main is the other thread; the worker waits meanwhile
        } else {
          worker_->Run(release);
        }
      }
    }
    OnCurrentThread([&] {
      const int rc = cgc_set_per_thread_refcount(model_.objs[id].ptr);
      if (rc == CGC_OK) {
        model_.objs[id].per_thread = true;
      } else if (rc != CGC_ESTATE) {
        Error(absl::StrCat("cgc_set_per_thread_refcount returned ", rc, ": ",
                           cgc_last_error()));
      }
    });
  }

  // Weakrefs made by finalizers and callbacks answer while their target
  // lives and no later collection found it unreachable (resurrected objects
  // lose their weakrefs too).
  void ProbeMadeWeakrefs() {
    auto probe = [&](cgc_weakref* w, int id, bool live, const char* who) {
      cgc_object* got = cgc_weakref_get(w);
      if ((got != nullptr) != live) {
        Error(absl::StrCat("weakref made by a ", who, " to ",
                           model_.objs[id].alive ? "live" : "dead", " object ",
                           id, " returned ", got ? "it" : "NULL"));
      }
      if (got != nullptr) cgc_decref(got);
    };
    model_.trash_in.resize(model_.objs.size(), 0);
    OnCurrentThread([&] {
      for (const Observed::Made& m : obs_.made) {
        probe(m.w, m.id,
              model_.objs[m.id].alive && model_.trash_in[m.id] <= m.collection,
              "callback");
      }
      for (size_t id = 0; id < obs_.final_weak.size(); ++id) {
        if (obs_.final_weak[id] == nullptr) continue;
        probe(obs_.final_weak[id], static_cast<int>(id),
              model_.objs[id].alive && model_.objs[id].final_weak == 1,
              "finalizer");
      }
    });
  }

  // Compares what the library did during the last operation with the model.
  void Check(int op, bool collected) {
    if (!obs_.error.empty()) return Error(obs_.error);
    std::vector<int> resurrected;
    for (cgc_object* o : obs_.resurrected) resurrected.push_back(AsNode(o)->id);
    obs_.resurrected.clear();
    if (Ids(resurrected) != Ids(model_.resurrected_this_op)) {
      return Error(absl::StrCat("resurrected ", Ids(resurrected), ", model ",
                                Ids(model_.resurrected_this_op)));
    }
    for (int id : resurrected) model_.handles.push_back(id);
    if (Ids(obs_.destroyed_this_op) != Ids(model_.dead_this_op)) {
      return Error(absl::StrCat("destroyed ", Ids(obs_.destroyed_this_op),
                                ", model ", Ids(model_.dead_this_op)));
    }
    for (size_t id = 0; id < model_.objs.size(); ++id) {
      if (obs_.finalized[id] != (model_.objs[id].finalized ? 1 : 0)) {
        return Error(absl::StrCat("object ", id, " finalized ",
                                  obs_.finalized[id], " times, model ",
                                  model_.objs[id].finalized ? 1 : 0));
      }
    }
    for (size_t id = 0; id < model_.objs.size(); ++id) {
      const int expected = model_.objs[id].final_weak == 2 ? 1 : 0;
      if ((obs_.final_weak[id] != nullptr) !=
              (model_.objs[id].final_weak != 0) ||
          obs_.final_cb[id] != expected) {
        return Error(
            absl::StrCat("object ", id, ": its finalizer's weakref ",
                         obs_.final_weak[id] ? "exists" : "does not exist",
                         ", callback ran ", obs_.final_cb[id], " times; model ",
                         model_.objs[id].final_weak));
      }
    }
    ProbeMadeWeakrefs();
    for (size_t i = 0; i < model_.weaks.size(); ++i) {
      if (obs_.weak_cb[i] != model_.weaks[i].cb_expected) {
        return Error(absl::StrCat("weakref ", i, " callback ran ",
                                  obs_.weak_cb[i], " times, model ",
                                  model_.weaks[i].cb_expected));
      }
    }
    if (!collected) return;
    // After a collection every count is merged: compare them all.
    OnCurrentThread([&] {
      for (size_t id = 0; id < model_.objs.size(); ++id) {
        const MObj& m = model_.objs[id];
        if (!m.alive) continue;
        const size_t rc = cgc_refcount(m.ptr);
        if (rc != static_cast<size_t>(m.rc)) {
          return Error(absl::StrCat("after ", OpName(op), ": object ", id,
                                    " refcount ", rc, ", model ", m.rc));
        }
      }
    });
  }

  void Error(const std::string& msg) {
    if (trace_ && result_.error.empty()) {  // the model's view, for reading
      for (size_t id = 0; id < model_.objs.size(); ++id) {
        const MObj& m = model_.objs[id];
        std::fprintf(stderr,
                     "  model: object %zu alive %d rc %d per-thread %d "
                     "slots %d,%d,%d\n",
                     id, m.alive, m.rc, m.per_thread, m.slots[0], m.slots[1],
                     m.slots[2]);
      }
    }
    if (result_.error.empty()) {
      result_.error =
          absl::StrCat("op #", result_.ops, " (byte ", pos_, "): ", msg);
    }
  }

  // Drops every reference the interpreter holds; collects until all is gone.
  void TearDown() {
    const uint64_t before = obs_.collections;
    // Cleared before the worker exits, not after: its detach may collect, and
    // what that collection destroys is observed during the exit.
    model_.dead_this_op.clear();
    model_.resurrected_this_op.clear();
    obs_.destroyed_this_op.clear();
    worker_.reset();
    on_worker_ = false;
    if (obs_.collections != before) {
      // The worker's detach collected.
      for (uint64_t i = before; i < obs_.collections; ++i) model_.Collect();
      Check(kWorkerExit, true);
    }
    // Each round that leaves handles ran a finalizer or a weakref callback
    // that resurrected something, and each runs at most once: the rounds are
    // bounded by the objects and weakrefs made (a fixed 4 cut a chain of
    // resurrections short, and the model then rightly kept an object).
    const size_t rounds = model_.objs.size() + model_.weaks.size() + 1;
    for (size_t round = 0; round < rounds && result_.error.empty(); ++round) {
      while (!model_.handles.empty() && result_.error.empty()) Step(kRelease);
      if (result_.error.empty()) Step(kCollect);
      if (model_.handles.empty()) break;  // nothing was resurrected
    }
    for (MWeak& w : model_.weaks) {
      if (!w.freed) cgc_weakref_free(w.w);
      w.freed = true;
    }
    if (!result_.error.empty()) return;
    for (size_t id = 0; id < model_.objs.size(); ++id) {
      if (model_.objs[id].alive) {
        return Error(
            absl::StrCat("model keeps object ", id, " after teardown"));
      }
    }
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  Observed obs_;
  Model model_;
  std::unique_ptr<Worker> worker_;
  bool on_worker_ = false;
  bool extended_ = false;          // "X2" and "X3" inputs
  bool untracked_allocs_ = false;  // "X3" inputs
  // CYCLEGC_FUZZ_TRACE=1 prints every operation (for reading a regression).
  const bool trace_ = std::getenv("CYCLEGC_FUZZ_TRACE") != nullptr;
  RunResult result_;

 public:
  // Installs the observation record for the callbacks.
  void Bind() { g_obs = &obs_; }
};

}  // namespace

RunResult RunOps(const uint8_t* data, size_t size) {
  Interpreter interpreter(data, size);
  interpreter.Bind();
  RunResult r = interpreter.Run();
  g_obs = nullptr;
  return r;
}

}  // namespace cyclegc::fuzz
