#include "runtime/future.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "runtime/counters.h"

namespace taskrt {

Future::Future(std::string name) : name_(std::move(name)) {
  GlobalCounters().futures.created.fetch_add(1);
}

Future::~Future() {
  Counters& c = GlobalCounters();
  c.futures.destroyed.fetch_add(1);
  if (!done()) {
    c.futures_destroyed_unresolved.fetch_add(1);
    Warn(
        WarningKind::kFutureUnresolved,
        absl::StrFormat("Future '%s' was destroyed before it resolved", name_));
  }
}

bool Future::SetResult(int64_t value) {
  std::vector<Entry> callbacks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_.load(std::memory_order_relaxed)) {
      GlobalCounters().futures_resolved_twice.fetch_add(1);
      Warn(WarningKind::kMisuse,
           absl::StrFormat("Future '%s' resolved twice", name_));
      return false;
    }
    value_ = value;
    done_.store(true, std::memory_order_release);
    callbacks.swap(callbacks_);
  }
  // Outside the lock: a callback may drop the last reference to anything,
  // including objects whose death takes other locks.
  for (Entry& e : callbacks) e.fn(*this, std::move(e.arg));
  return true;
}

bool Future::AddDoneCallback(Callback cb, cyclegc::Ref<cyclegc::Object> arg) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!done_.load(std::memory_order_relaxed)) {
      callbacks_.push_back(Entry{cb, std::move(arg)});
      return true;
    }
  }
  return false;  // `arg` is released here, outside the lock
}

void Future::Trace(cyclegc::Visitor& v) {
  for (Entry& e : callbacks_) v(e.arg);
}

}  // namespace taskrt
