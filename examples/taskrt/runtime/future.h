// Future: a result that arrives later, with done callbacks. Any thread may
// resolve it or add callbacks; callbacks run on the resolving thread.
#ifndef TASKRT_RUNTIME_FUTURE_H_
#define TASKRT_RUNTIME_FUTURE_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cyclegc/cyclegc.hpp"

namespace taskrt {

class Future : public cyclegc::Object {
 public:
  static constexpr const char* kTypeName = "Future";
  // A done callback gets the future and the reference it was registered with.
  using Callback = void (*)(Future& future, cyclegc::Ref<cyclegc::Object> arg);

  explicit Future(std::string name);
  // Warns (and counts) if the future dies unresolved: whoever awaited it, or
  // was going to resolve it, lost it.
  ~Future();

  // Resolves the future and runs its callbacks (outside the lock). A second
  // resolution is refused, counted and warned about.
  bool SetResult(int64_t value);
  bool done() const { return done_.load(std::memory_order_acquire); }
  int64_t result() const { return value_; }  // only once done()
  const std::string& name() const { return name_; }

  // Registers cb(*this, arg) to run at resolution. Returns false, storing
  // nothing, if the future is already resolved (the caller acts at once).
  bool AddDoneCallback(Callback cb, cyclegc::Ref<cyclegc::Object> arg);

  // Callback arguments are the future's strong references. The collector calls
  // this with the world stopped (or the future unreachable), so no lock.
  void Trace(cyclegc::Visitor& v);

 private:
  struct Entry {
    Callback fn;
    cyclegc::Ref<cyclegc::Object> arg;
  };

  const std::string name_;
  std::mutex mu_;
  std::atomic<bool> done_{false};
  int64_t value_ = 0;             // written once, before done_ is published
  std::vector<Entry> callbacks_;  // guarded by mu_
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_FUTURE_H_
