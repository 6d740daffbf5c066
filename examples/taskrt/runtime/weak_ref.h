// WeakRef<T>: an RAII C++ handle on cgc_weakref (the C++ API has no weak
// wrapper yet). Lock() gives a strong Ref, or an empty one once T is gone.
#ifndef TASKRT_RUNTIME_WEAK_REF_H_
#define TASKRT_RUNTIME_WEAK_REF_H_

#include <utility>

#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"

namespace taskrt {

template <class T>
class WeakRef {
 public:
  WeakRef() = default;
  // ok() is false if cgc_weakref_new failed (see cgc_last_error()).
  explicit WeakRef(const cyclegc::Ref<T>& target)
      : w_(target ? cgc_weakref_new(target.header(), nullptr, nullptr)
                  : nullptr) {}
  WeakRef(WeakRef&& other) noexcept : w_(std::exchange(other.w_, nullptr)) {}
  WeakRef& operator=(WeakRef&& other) noexcept {
    if (this != &other) {
      Reset();
      w_ = std::exchange(other.w_, nullptr);
    }
    return *this;
  }
  WeakRef(const WeakRef&) = delete;
  WeakRef& operator=(const WeakRef&) = delete;
  ~WeakRef() { Reset(); }

  bool ok() const { return w_ != nullptr; }
  cyclegc::Ref<T> Lock() const {
    if (w_ == nullptr) return cyclegc::Ref<T>();
    return cyclegc::Ref<T>::AdoptHeader(cgc_weakref_get(w_));
  }
  bool Alive() const { return static_cast<bool>(Lock()); }
  // Weak references must be released before cgc_shutdown.
  void Reset() {
    if (w_ != nullptr) cgc_weakref_free(std::exchange(w_, nullptr));
  }

 private:
  cgc_weakref* w_ = nullptr;
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_WEAK_REF_H_
