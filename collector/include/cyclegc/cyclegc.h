/* cyclegc: a cycle collector for reference-counted runtimes, on patched mimalloc.
 *
 * The C API. Compiles as C11 and as C++20. See the README ("Embedding cyclegc")
 * for the few steps a runtime takes, and docs of each function below.
 *
 * Conventions: functions that can fail return int (0 = success, negative = error)
 * and leave a message for cgc_last_error() (thread-local, never NULL).
 *
 * ABI (docs/abi.md): every public struct starts with `size_t size`, the
 * sizeof the caller was compiled with. Fields are only ever appended, so a
 * program built against an older header keeps working with a newer library;
 * CGC_HAS_FIELD tells whether a struct the library filled has a field.
 */
#ifndef CYCLEGC_CYCLEGC_H_
#define CYCLEGC_CYCLEGC_H_

#include <stddef.h>
#include <stdint.h>

#define CYCLEGC_VERSION_MAJOR 0
#define CYCLEGC_VERSION_MINOR 2
#define CYCLEGC_VERSION_PATCH 0

/* Non-zero if *ptr (a struct of type `type` with a size field) holds `field`. */
#define CGC_HAS_FIELD(type, ptr, field) ((ptr)->size > offsetof(type, field))

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CGC_API __attribute__((visibility("default")))
#else
#define CGC_API
#endif

/* Error codes (negative); cgc_last_error() has the message. */
enum {
  CGC_OK = 0,
  CGC_EINVAL = -1,   /* bad argument or configuration */
  CGC_ENOMEM = -2,   /* out of memory */
  CGC_ESTATE = -3,   /* wrong state (not initialised, already attached, ...) */
};

/* ---- Objects ------------------------------------------------------------- */

/* The header every GC object starts with. A runtime embeds it as the first
 * member of its own structs. Fields are private: use the functions below. */
typedef struct cgc_object {
  uintptr_t ob_tid_;          /* owning thread (biased refcounting); 0 = none */
  uint32_t ob_ref_local_;     /* owner thread's count (plain, owner-only) */
  uint8_t ob_gc_bits_;        /* collector state bits */
  uint8_t ob_flags_;          /* refcount mode flags (per-thread counts, ...) */
  uint16_t ob_reserved_;
  intptr_t ob_ref_shared_;    /* other threads' count, atomic; low bits = merge state */
  const struct cgc_type *ob_type_; /* NULL marks a block that holds no live object */
  uintptr_t ob_gc_;           /* collector scratch (gc_refs during a collection) */
} cgc_object;

typedef int (*cgc_visit_fn)(cgc_object *referent, void *arg);

/* Static types set .size = sizeof(cgc_type); cgc_alloc rejects other sizes. */
typedef struct cgc_type {
  size_t size;      /* sizeof(cgc_type) */
  const char *name; /* for stats, census, errors */
  /* Visit every strong reference the object owns (NULL referents are skipped).
   * Return the first non-zero result of visit, or 0. Runs while the world is
   * stopped, on the collecting thread or on another attached thread parked at
   * a safepoint (a large heap's collection runs in parts on them): it only
   * reads the object, taking no lock and no reference. */
  int (*traverse)(cgc_object *self, cgc_visit_fn visit, void *arg);
  /* Drop the object's references (set each to NULL, then decref it); called to
   * break cycles. Must be idempotent: it also runs when the refcount reaches
   * zero, possibly after the collector already cleared the object. */
  void (*clear)(cgc_object *self);
  /* Optional; runs at most once per object; may resurrect it. */
  void (*finalize)(cgc_object *self);
  /* Optional; release non-GC resources before the memory goes. */
  void (*destroy)(cgc_object *self);
} cgc_type;

/* New object of `size` bytes (header included, zeroed), refcount 1, tracked.
 * NULL on out-of-memory or bad arguments (NULL type, size < sizeof(cgc_object),
 * calling thread not attached); see cgc_last_error(). A safepoint (it may park
 * while another thread collects) and it may run a collection itself: every
 * object the caller made so far must be traversable. */
CGC_API cgc_object *cgc_alloc(const cgc_type *type, size_t size);

/* As cgc_alloc, for an object that is never part of a cycle (a string, a
 * number, a record without references): it is never tracked, and it lives
 * apart from tracked objects, so collections never read it (cgc_alloc then
 * cgc_untrack leaves it among them, where every collection's heap walk still
 * passes over it). Its memory counts toward memory pressure; refcounting,
 * weakrefs, destroy and cgc_shutdown treat it as any object. cgc_track on it
 * fails (CGC_EINVAL in cgc_last_error(), the object unchanged). Does not
 * count toward the young-object threshold. */
CGC_API cgc_object *cgc_alloc_untracked(const cgc_type *type, size_t size);

/* Reference counting; at zero the object is destroyed and freed at once, on any
 * thread. Inline fast paths are defined at the end of this header. */
static inline void cgc_incref(cgc_object *o);
static inline void cgc_decref(cgc_object *o);

/* Current total count (diagnostics, tests). */
CGC_API size_t cgc_refcount(const cgc_object *o);

/* Objects that can never be part of a cycle may be untracked (better: allocate
 * them with cgc_alloc_untracked). */
CGC_API void cgc_untrack(cgc_object *o);
CGC_API void cgc_track(cgc_object *o);
CGC_API int cgc_is_tracked(const cgc_object *o);

/* Opt an object into per-thread reference counts: for hot objects shared by
 * many threads (code, globals). Counts are merged while the world is stopped
 * and when a thread exits. Call it on the owning thread (or any thread once
 * the object has no owner) holding a reference. CGC_ESTATE if another thread
 * owns it, or while another thread's decref is being handed over to the
 * owner (retry after cgc_safepoint); a zero count is seen at the next
 * collection. */
CGC_API int cgc_set_per_thread_refcount(cgc_object *o);

/* Non-GC memory of the runtime (buffers, payloads), from the calling thread's
 * heap; it counts toward memory pressure. Any thread may free. A safepoint
 * outside a bracket. Allowed inside a blocking bracket (the call waits while
 * the world is stopped). */
CGC_API void *cgc_malloc(size_t n);
CGC_API void cgc_free(void *p);

/* ---- Lifecycle and threads ------------------------------------------------ */

typedef enum cgc_trigger_kind {
  CGC_TRIGGER_FULLPAGES = 0, /* count decides, full-page bytes may defer */
  CGC_TRIGGER_RSS = 1,       /* CPython 3.14t behaviour: estimate = RSS+swap */
  CGC_TRIGGER_COUNT = 2,     /* CPython 3.13 behaviour: young count only */
  CGC_TRIGGER_PACED = 3,     /* heap goal on full-page bytes + soft limit */
  CGC_TRIGGER_PRESSURE = 4,  /* default: full-page bytes past a goal start a
                                collection; a count backstop */
  CGC_TRIGGER_KIND_END       /* one past the last kind (not a policy); a new
                                policy goes just before it */
} cgc_trigger_kind;

/* The policy's CYCLEGC_TRIGGER name ("pressure", ...), or NULL for a value
 * outside the enum. Kinds are dense from 0 to CGC_TRIGGER_KIND_END - 1:
 * iterate until NULL. */
CGC_API const char *cgc_trigger_name(cgc_trigger_kind kind);

/* Debug flags (CYCLEGC_DEBUG=stats,census,cycles). */
enum {
  CGC_DEBUG_STATS = 1u << 0,
  CGC_DEBUG_CENSUS = 1u << 1,
  CGC_DEBUG_CYCLES = 1u << 2, /* cycle report (cgc_cycles_get) on, printed */
};

/* mem_min value meaning "the policy's own floor" (the default): pressure
 * 2 MiB, fullpages 64 KiB (one small mimalloc page), rss, count and paced
 * 128 KiB (CPython 3.14t's). */
#define CGC_MEM_MIN_AUTO ((size_t)-1)
/* mem_growth value meaning "the policy's own growth" (the default): 50% for
 * pressure, 10% (CPython 3.14t's) for the others. */
#define CGC_MEM_GROWTH_AUTO (-1.0)

typedef struct cgc_config {
  size_t size;                 /* sizeof(cgc_config): use cgc_config_default */
  size_t threshold;            /* young threshold; 0 disables automatic collection */
  cgc_trigger_kind trigger;
  double mem_growth;           /* fraction, e.g. 0.10, or CGC_MEM_GROWTH_AUTO */
  size_t mem_min;              /* floor of that growth, bytes, or CGC_MEM_MIN_AUTO */
  double defer_cap;            /* multiple of threshold */
  size_t memory_limit;         /* soft limit (pressure, paced), 0 = none */
  unsigned debug;              /* CGC_DEBUG_* bits */
  int apply_env;               /* non-zero: CYCLEGC_* variables override fields */
  /* Appended in 0.2 (absent when size is smaller; the library's default). */
  size_t cycle_samples;        /* cycles sampled per collection, 0 = default 8 */
  /* Report (stderr) a thread that holds up a stop longer than this, in ms;
   * 0 = off */
  unsigned stall_report_ms;
} cgc_config;

/* Fills the first `size` bytes of *config with the defaults and sets
 * config->size; call it through cgc_config_default. */
CGC_API int cgc_config_default_sized_(cgc_config *config, size_t size);

/* Fill *config with the documented defaults (environment not consulted) and
 * config->size. */
static inline void cgc_config_default(cgc_config *config) {
  (void)cgc_config_default_sized_(config, sizeof(cgc_config));
}

/* Start the runtime. NULL means defaults overridden by CYCLEGC_* environment
 * variables; a malformed variable fails init with a message naming it and the
 * accepted form. The calling thread becomes attached. */
CGC_API int cgc_init(const cgc_config *config);

/* ---- Tuning at run time ---------------------------------------------------
 * Thread-safe while other threads allocate; like CPython's gc.set_threshold
 * and Go's debug.SetGCPercent / SetMemoryLimit (read the previous value with
 * cgc_get_config first). A change takes effect at the next trigger decision;
 * the young count, the survivors and the memory baseline carry over. On
 * error nothing changes and cgc_last_error() says why. CGC_ESTATE before
 * cgc_init or after cgc_shutdown. */

/* The settings in force (apply_env is 0). */
CGC_API int cgc_get_config_sized_(cgc_config *out, size_t size);
static inline int cgc_get_config(cgc_config *out) {
  return cgc_get_config_sized_(out, sizeof(cgc_config));
}
/* Replace them: checked as cgc_init checks its fields, size included
 * (apply_env ignored). */
CGC_API int cgc_set_config(const cgc_config *config);
/* One setting by its variable's name, parsed exactly as the environment
 * variable (same accepted forms and messages), e.g.
 * cgc_set_option("CYCLEGC_TRIGGER", "count"),
 * cgc_set_option("CYCLEGC_MEMORY_LIMIT", "512M"). */
CGC_API int cgc_set_option(const char *name, const char *value);

/* Message of this thread's last failure (never NULL). */
CGC_API const char *cgc_last_error(void);

/* Collect, finalize and free everything; afterwards only cgc_init may be called.
 * Returns CGC_ESTATE (nothing done) if not initialised or if other threads are
 * still attached. */
CGC_API int cgc_shutdown(void);

/* Every thread that touches objects attaches first. Objects of a detached (or
 * exited) thread stay valid, and its cyclic trash is still collected. */
CGC_API int cgc_thread_attach(void);
CGC_API void cgc_thread_detach(void);

/* Cheap poll a mutator calls regularly (e.g. at loop back-edges); parks while a
 * collection has the world stopped. */
CGC_API void cgc_safepoint(void);

/* Bracket blocking calls; a thread inside counts as stopped and must not touch
 * GC objects. */
CGC_API void cgc_blocking_begin(void);
CGC_API void cgc_blocking_end(void);

/* ---- Weak references ------------------------------------------------------ */

typedef struct cgc_weakref cgc_weakref;

/* Weak reference; cb (optional) runs after the target dies, outside the stopped
 * world, and only while the weakref itself is alive. NULL on failure. */
CGC_API cgc_weakref *cgc_weakref_new(cgc_object *target,
                                     void (*cb)(cgc_weakref *, void *), void *arg);
/* New strong reference, or NULL once the target is gone. */
CGC_API cgc_object *cgc_weakref_get(cgc_weakref *w);
/* Release the weak reference. */
CGC_API void cgc_weakref_free(cgc_weakref *w);

/* ---- Collection, trigger, observation -------------------------------------- */

typedef enum cgc_reason {
  CGC_REASON_THRESHOLD = 0,     /* young count over threshold (count policy) */
  CGC_REASON_MEMORY_GROWTH = 1, /* estimate grew enough since last collection */
  CGC_REASON_DEFER_CAP = 2,     /* deferred too long: collected anyway */
  CGC_REASON_EXPLICIT = 3,      /* cgc_collect() */
  CGC_REASON_SHUTDOWN = 4,      /* cgc_shutdown() */
  CGC_REASON_HEAP_GOAL = 5,     /* pressure, paced: memory past the heap goal */
  CGC_REASON_MEMORY_LIMIT = 6,  /* pressure, paced: nearing the soft limit */
  CGC_REASON_COUNT_BACKSTOP = 7, /* pressure: many young objects, little memory */
} cgc_reason;

/* Full collection now; returns the number of objects it freed (0 also on
 * failure: use cgc_collect_ex to tell the two apart). */
CGC_API size_t cgc_collect(void);

/* Full collection now. Returns 0, or CGC_ESTATE (calling thread not attached,
 * or called from inside a collection: a finalizer or event callback) or
 * CGC_ENOMEM (the collection could not complete); *freed (optional) gets the
 * number of objects freed either way. */
CGC_API int cgc_collect_ex(size_t *freed);

/* Automatic collection on/off (refcounting always works). */
CGC_API void cgc_enable(void);
CGC_API void cgc_disable(void);
CGC_API int cgc_is_enabled(void);

/* Sum over all threads (live and exited) of the bytes in full mimalloc pages. */
CGC_API size_t cgc_full_page_bytes(void);

/* Memory a runtime holds outside mimalloc (may be negative to release). */
CGC_API void cgc_add_external_pressure(int64_t bytes);

typedef struct cgc_stats {
  size_t size;                    /* how much of the struct the library filled */
  uint64_t collections;
  uint64_t objects_collected;     /* freed by the collector (not by refcounting) */
  uint64_t objects_resurrected;
  uint64_t finalizers_run;
  uint64_t collections_deferred;  /* trigger checks that chose to wait */
  uint64_t last_pause_ns;         /* stopped-world time of the last collection */
  uint64_t max_pause_ns;
  uint64_t total_pause_ns;
  size_t young;                   /* net new tracked objects since last collection */
  size_t long_lived;              /* objects that survived the last collection */
  size_t full_page_bytes;         /* now */
  size_t full_page_bytes_after;   /* right after the last collection */
  cgc_trigger_kind trigger;       /* policy in force */
  const char *trigger_name;       /* cgc_trigger_name(trigger) */
  /* Appended in 0.2. */
  uint64_t collections_failed;    /* ended early on an error (out of memory) */
} cgc_stats;

/* Fills the first `size` bytes of *out; call it through cgc_get_stats. */
CGC_API int cgc_get_stats_sized_(cgc_stats *out, size_t size);
static inline int cgc_get_stats(cgc_stats *out) {
  return cgc_get_stats_sized_(out, sizeof(cgc_stats));
}

typedef enum cgc_event_kind { CGC_EVENT_START = 0, CGC_EVENT_STOP = 1 } cgc_event_kind;

/* Filled by the library: size is the library's; test new fields with
 * CGC_HAS_FIELD(cgc_event, ev, field) before reading them. */
typedef struct cgc_event {
  size_t size;
  cgc_event_kind kind;
  cgc_reason reason;
  uint64_t collection;            /* 1-based index of this collection */
  /* What the policy decided on. */
  size_t young;
  size_t deferred_young;          /* young objects accumulated while deferring */
  size_t estimate_now;            /* memory estimate of the policy in force */
  size_t estimate_at_last;        /* same estimate at the last collection */
  /* Results (CGC_EVENT_STOP only; zero in START). */
  size_t visited;
  size_t collected;
  size_t resurrected;
  size_t finalized;
  uint64_t pause_ns;              /* total stopped-world time */
  uint64_t pause_mark_ns;         /* first stop: merge, refs, mark */
  uint64_t pause_resurrect_ns;    /* second stop, if finalizers ran */
  uint64_t time_to_safepoint_ns;  /* longest wait for threads to park */
  uint64_t duration_ns;           /* wall time, start to end */
  size_t full_page_bytes_before;
  size_t full_page_bytes_after;
  /* Appended in 0.2. */
  int status;                     /* STOP: 0, or the CGC_E* error that ended it */
  /* From the start to the world's restart after the marking stop: clears and
   * destruction of the garbage run after it, with the other threads running. */
  uint64_t mark_restart_ns;
} cgc_event;

/* Called at the start and stop of every collection, on the collecting thread,
 * outside the stopped world. Returns 0, or negative on failure. */
CGC_API int cgc_callback_add(void (*cb)(const cgc_event *, void *), void *arg);
CGC_API int cgc_callback_remove(void (*cb)(const cgc_event *, void *), void *arg);

/* ---- Census of cyclic trash ------------------------------------------------ */

/* Objects and bytes, by type name, that died only because the collector ran. */
typedef struct cgc_census_entry {
  const char *type_name;
  uint64_t objects;
  uint64_t bytes;
} cgc_census_entry;

CGC_API void cgc_census_enable(int on);
/* Copies up to `cap` entries, most bytes first; returns the number of types. */
CGC_API size_t cgc_census_get(cgc_census_entry *out, size_t cap);
CGC_API void cgc_census_reset(void);

/* ---- Cycle report ---------------------------------------------------------- */

/* For a sample of the cycles each collection frees (cgc_config.cycle_samples
 * per collection), the ring of types around the cycle, grouped by shape. Off
 * by default; CYCLEGC_DEBUG=cycles turns it on and prints each collection's. */
typedef struct cgc_cycle_shape {
  size_t size;       /* sizeof(cgc_cycle_shape) as the library filled it */
  const char *ring;  /* "Session -> Task -> Closure -> Session"; valid until
                        cgc_shutdown */
  uint64_t cycles;   /* sampled cycles of this shape */
  uint64_t objects;  /* objects on those rings and the trash they reached
                        (each counted once, for the first sample reaching it) */
  uint64_t bytes;    /* the bytes those objects held */
} cgc_cycle_shape;

CGC_API void cgc_cycles_enable(int on);
/* Fills up to `cap` entries of `entry_size` bytes; call it through
 * cgc_cycles_get. */
CGC_API size_t cgc_cycles_get_sized_(cgc_cycle_shape *out, size_t cap,
                                     size_t entry_size);
/* Copies up to `cap` shapes, most cycles first; returns the number of shapes
 * accumulated since the last reset. */
static inline size_t cgc_cycles_get(cgc_cycle_shape *out, size_t cap) {
  return cgc_cycles_get_sized_(out, cap, sizeof(cgc_cycle_shape));
}
CGC_API void cgc_cycles_reset(void);

/* ---- Diagnostics ------------------------------------------------------------- */

enum { CGC_LOG_INFO = 0, CGC_LOG_WARNING = 1, CGC_LOG_ERROR = 2 };

/* Receives every line the library prints (debug output, warnings, fatal
 * messages), without a trailing newline, possibly on any thread and while
 * the world is stopped: it must not touch GC objects or call cyclegc. */
typedef void (*cgc_log_fn)(int level, const char *line, void *arg);

/* Routes the library's diagnostics to `fn`; NULL restores the default (stderr). */
CGC_API void cgc_set_log_sink(cgc_log_fn fn, void *arg);

/* ---- Inline fast paths (implementation detail) ----------------------------- */
#include "cyclegc/internal/refcount_inl.h"

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CYCLEGC_CYCLEGC_H_ */
