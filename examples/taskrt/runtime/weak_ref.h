// WeakRef<T>: cyclegc's C++ weak reference, under taskrt's name. Lock() gives
// a strong Ref, or an empty one once T is gone.
#ifndef TASKRT_RUNTIME_WEAK_REF_H_
#define TASKRT_RUNTIME_WEAK_REF_H_

#include "cyclegc/cyclegc.hpp"

namespace taskrt {

template <class T>
using WeakRef = cyclegc::WeakRef<T>;

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_WEAK_REF_H_
