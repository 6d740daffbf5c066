/* Inline fast paths of cgc_incref / cgc_decref (biased reference counting).
 * Included by cyclegc.h only; nothing here is part of the contract.
 *
 * The owner thread (ob_tid_ == this thread's pointer) updates ob_ref_local_
 * with plain loads/stores (relaxed atomics: no lock prefix, no fence); every
 * other case goes out of line. Thread identity is the thread pointer, read
 * without a TLS call, as CPython's _Py_ThreadId does. */
#ifndef CYCLEGC_INTERNAL_REFCOUNT_INL_H_
#define CYCLEGC_INTERNAL_REFCOUNT_INL_H_

#define CGC_REF_SHARED_SHIFT_ 2

/* Out-of-line halves (libcyclegc). */
CGC_API void cgc_incref_shared_(cgc_object *o);
CGC_API void cgc_decref_shared_(cgc_object *o);
CGC_API void cgc_merge_zero_local_(cgc_object *o);
CGC_API uintptr_t cgc_thread_id_slow_(void);
CGC_API void cgc_decref_underflow_(cgc_object *o);

static inline uintptr_t cgc_thread_id_(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  uintptr_t tid;
  __asm__("movq %%fs:0, %0" : "=r"(tid)); /* TCB self pointer */
  return tid;
#elif defined(__aarch64__) && defined(__GNUC__)
  return (uintptr_t)__builtin_thread_pointer();
#else
  return cgc_thread_id_slow_();
#endif
}

static inline void cgc_incref(cgc_object *o) {
  if (__atomic_load_n(&o->ob_tid_, __ATOMIC_RELAXED) == cgc_thread_id_()) {
    uint32_t local = __atomic_load_n(&o->ob_ref_local_, __ATOMIC_RELAXED);
    __atomic_store_n(&o->ob_ref_local_, local + 1, __ATOMIC_RELAXED);
  } else {
    cgc_incref_shared_(o);
  }
}

static inline void cgc_decref(cgc_object *o) {
  if (__atomic_load_n(&o->ob_tid_, __ATOMIC_RELAXED) == cgc_thread_id_()) {
    uint32_t local = __atomic_load_n(&o->ob_ref_local_, __ATOMIC_RELAXED);
#ifndef NDEBUG
    if (local == 0) {
      cgc_decref_underflow_(o);
    }
#endif
    local -= 1;
    __atomic_store_n(&o->ob_ref_local_, local, __ATOMIC_RELAXED);
    if (local == 0) {
      cgc_merge_zero_local_(o);
    }
  } else {
    cgc_decref_shared_(o);
  }
}

#endif /* CYCLEGC_INTERNAL_REFCOUNT_INL_H_ */
