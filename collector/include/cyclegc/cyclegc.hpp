// The C++ API: RAII references and per-type tracing declared once.
//
//   struct Node : cyclegc::Object {
//     cyclegc::Ref<Node> next;
//     int value = 0;
//     void Trace(cyclegc::Visitor& v) { v(next); }   // traverse and clear
//   };
//   cyclegc::Ref<Node> a = cyclegc::Make<Node>();
//   a->next = a;   // a cycle: the collector frees it
//
// WeakRef<T> observes an object without keeping it alive.
//
// A type derives from cyclegc::Object (non-polymorphic) and may declare
// `static constexpr const char* kTypeName` and `void Finalize()`. Make<T>
// constructs T in place in a cgc_alloc'ed block with a cgc_type generated for
// T; the object's death runs clear (Trace resetting every Ref) then ~T. All of
// it inlines to the C calls.
#ifndef CYCLEGC_CYCLEGC_HPP_
#define CYCLEGC_CYCLEGC_HPP_

#include <cstddef>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "cyclegc/cyclegc.h"

namespace cyclegc {

// Base of every C++ GC type: the object header, left as cgc_alloc set it.
class Object {
 public:
  Object() {}  // deliberately leaves header_ alone (cgc_alloc initialised it)
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  cgc_object* gc_header() { return &header_; }
  const cgc_object* gc_header() const { return &header_; }

 private:
  cgc_object header_;
};

template <class T>
class Ref;

namespace detail {
template <class T>
T* FromHeader(cgc_object* o) {
  return static_cast<T*>(reinterpret_cast<Object*>(o));
}
}  // namespace detail

// A strong reference: copies incref, destruction decrefs, moves are free.
template <class T>
class Ref {
 public:
  Ref() = default;
  Ref(std::nullptr_t) {}  // NOLINT: implicit like a pointer
  Ref(const Ref& other) : p_(other.p_) {
    if (p_ != nullptr) cgc_incref(p_->gc_header());
  }
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  template <class U, class = std::enable_if_t<std::is_convertible_v<U*, T*>>>
  Ref(Ref<U> other) noexcept : p_(other.Release()) {}  // NOLINT
  ~Ref() {
    if (p_ != nullptr) cgc_decref(p_->gc_header());
  }
  Ref& operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }

  // Takes over a count the caller owns (e.g. from cgc_alloc).
  static Ref Adopt(T* p) { return Ref(p, 0); }
  // Adds a count to a borrowed pointer.
  static Ref Share(T* p) {
    if (p != nullptr) cgc_incref(p->gc_header());
    return Ref(p, 0);
  }
  static Ref AdoptHeader(cgc_object* o) {
    return Adopt(o == nullptr ? nullptr : detail::FromHeader<T>(o));
  }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  cgc_object* header() const {
    return p_ == nullptr ? nullptr : p_->gc_header();
  }
  // Gives up the count without decref; the caller owns it.
  T* Release() { return std::exchange(p_, nullptr); }
  void Reset() { Ref().swap(*this); }
  void swap(Ref& other) noexcept { std::swap(p_, other.p_); }

  friend bool operator==(const Ref& a, const Ref& b) { return a.p_ == b.p_; }

 private:
  Ref(T* p, int) : p_(p) {}
  T* p_ = nullptr;
};

// Passed to T::Trace: reports each Ref to the collector (traverse) or drops
// it (clear), so a type lists its references once.
class Visitor {
 public:
  enum class Mode { kTraverse, kClear };
  Visitor(cgc_visit_fn visit, void* arg)
      : mode_(Mode::kTraverse), visit_(visit), arg_(arg) {}
  Visitor() : mode_(Mode::kClear) {}

  template <class U>
  void operator()(Ref<U>& ref) {
    if (mode_ == Mode::kClear) {
      ref.Reset();
    } else if (result_ == 0 && ref) {
      result_ = visit_(ref.header(), arg_);
    }
  }
  Mode mode() const { return mode_; }
  int result() const { return result_; }

 private:
  Mode mode_;
  cgc_visit_fn visit_ = nullptr;
  void* arg_ = nullptr;
  int result_ = 0;
};

namespace detail {

template <class T>
constexpr const char* TypeNameOf() {
  if constexpr (requires { T::kTypeName; }) {
    return T::kTypeName;
  } else {
    return typeid(T).name();
  }
}

// The cgc_type generated for T.
template <class T>
struct TypeOf {
  static int Traverse(cgc_object* self, cgc_visit_fn visit, void* arg) {
    if constexpr (requires(T & t, Visitor & v) { t.Trace(v); }) {
      Visitor v(visit, arg);
      FromHeader<T>(self)->Trace(v);
      return v.result();
    } else {
      return 0;
    }
  }
  static void Clear(cgc_object* self) {
    if constexpr (requires(T & t, Visitor & v) { t.Trace(v); }) {
      Visitor v;
      FromHeader<T>(self)->Trace(v);
    }
  }
  static void Finalize(cgc_object* self) {
    if constexpr (requires(T & t) { t.Finalize(); })
      FromHeader<T>(self)->Finalize();
  }
  static void Destroy(cgc_object* self) { FromHeader<T>(self)->~T(); }

  static constexpr bool kHasFinalize = requires(T & t) { t.Finalize(); };
  static inline const cgc_type type = {sizeof(cgc_type),
                                       TypeNameOf<T>(),
                                       &Traverse,
                                       &Clear,
                                       kHasFinalize ? &Finalize : nullptr,
                                       &Destroy};
  // Used when T's constructor throws: the block is freed without ~T.
  static inline const cgc_type raw_type = {
      sizeof(cgc_type), TypeNameOf<T>(), nullptr, nullptr, nullptr, nullptr};
};

}  // namespace detail

// The cgc_type generated for T (for cgc_alloc by hand, census names, ...).
template <class T>
const cgc_type* TypeFor() {
  return &detail::TypeOf<T>::type;
}

namespace detail {
// Constructs T over the header cgc_alloc initialised. Without arguments this
// must be default-initialisation (`new T`): `new T()` value-initialises, and
// for a T without a user-provided constructor that zero-fills the whole object,
// header included (refcount 0, type NULL). cgc_alloc already zeroed the rest.
template <class T, class... Args>
T* ConstructAt(cgc_object* o, Args&&... args) {
  if constexpr (sizeof...(Args) == 0) {
    return new (o) T;
  } else {
    return new (o) T(std::forward<Args>(args)...);
  }
}
}  // namespace detail

namespace detail {
template <class T, class... Args>
Ref<T> MakeWith(cgc_object* (*alloc)(const cgc_type*, size_t), Args&&... args) {
  static_assert(std::is_base_of_v<Object, T>,
                "T must derive from cyclegc::Object");
  static_assert(!std::is_polymorphic_v<T>,
                "the object header must be at offset 0");
  cgc_object* o = alloc(&detail::TypeOf<T>::type, sizeof(T));
  if (o == nullptr) return Ref<T>();
#if defined(__cpp_exceptions)
  try {
    return Ref<T>::Adopt(
        detail::ConstructAt<T>(o, std::forward<Args>(args)...));
  } catch (...) {
    o->ob_type_ = &detail::TypeOf<T>::raw_type;
    cgc_decref(o);
    throw;
  }
#else
  return Ref<T>::Adopt(detail::ConstructAt<T>(o, std::forward<Args>(args)...));
#endif
}
}  // namespace detail

// New T, constructed in place; an empty Ref if out of memory (see
// cgc_last_error()) — or std::bad_alloc if exceptions are on and you prefer.
template <class T, class... Args>
Ref<T> Make(Args&&... args) {
  return detail::MakeWith<T>(&cgc_alloc, std::forward<Args>(args)...);
}

// Make for a T that never takes part in a cycle (no Ref members that could
// lead back to it): allocated with cgc_alloc_untracked, so collections never
// read it.
template <class T, class... Args>
Ref<T> MakeUntracked(Args&&... args) {
  return detail::MakeWith<T>(&cgc_alloc_untracked, std::forward<Args>(args)...);
}

// A weak reference: does not keep T alive; Lock() gives a strong Ref while T
// lives, an empty one after. Move-only (it owns one cgc_weakref). Destroy or
// Reset every WeakRef before cgc_shutdown(), which frees the weak references
// still registered.
template <class T>
class WeakRef {
 public:
  using Callback = void (*)(cgc_weakref*, void*);

  WeakRef() = default;
  // `cb` (optional) runs once after T dies, outside the stopped world, while
  // this WeakRef lives. ok() is false if the runtime could not create it (see
  // cgc_last_error()) or `target` is empty.
  explicit WeakRef(const Ref<T>& target, Callback cb = nullptr,
                   void* arg = nullptr)
      : w_(target ? cgc_weakref_new(target.header(), cb, arg) : nullptr) {}
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
  Ref<T> Lock() const {
    if (w_ == nullptr) return Ref<T>();
    return Ref<T>::AdoptHeader(cgc_weakref_get(w_));
  }
  // Whether T is alive now (it may die right after; Lock() to use it).
  bool Alive() const { return static_cast<bool>(Lock()); }
  void Reset() {
    if (w_ != nullptr) cgc_weakref_free(std::exchange(w_, nullptr));
  }
  cgc_weakref* handle() const { return w_; }

 private:
  cgc_weakref* w_ = nullptr;
};

}  // namespace cyclegc

#endif  // CYCLEGC_CYCLEGC_HPP_
