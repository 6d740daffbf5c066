/* Inline fast paths of cgc_incref / cgc_decref. Included by cyclegc.h only.
 * PLACEHOLDER: the object-model work replaces this with biased refcounting. */
#ifndef CYCLEGC_INTERNAL_REFCOUNT_INL_H_
#define CYCLEGC_INTERNAL_REFCOUNT_INL_H_

CGC_API void cgc_incref_slow_(cgc_object *o);
CGC_API void cgc_decref_slow_(cgc_object *o);

static inline void cgc_incref(cgc_object *o) { cgc_incref_slow_(o); }
static inline void cgc_decref(cgc_object *o) { cgc_decref_slow_(o); }

#endif
