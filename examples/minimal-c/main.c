/* The smallest embedding of cyclegc: a runtime's "pair" object that can form
 * a cycle, freed by the collector once the program drops it.
 *
 *   cc -std=c11 main.c $(pkg-config --cflags --libs cyclegc) -o minimal-c */
#include <cyclegc/cyclegc.h>
#include <stdio.h>

typedef struct pair {
  cgc_object header; /* first member: the GC header */
  cgc_object *first, *second;
} pair;

static int pair_traverse(cgc_object *self, cgc_visit_fn visit, void *arg) {
  pair *p = (pair *)self;
  int r = 0;
  if (p->first && (r = visit(p->first, arg))) return r;
  if (p->second && (r = visit(p->second, arg))) return r;
  return 0;
}

static void pair_clear(cgc_object *self) {
  pair *p = (pair *)self;
  cgc_object *a = p->first, *b = p->second;
  p->first = p->second = NULL; /* unlink first, then release */
  if (a) cgc_decref(a);
  if (b) cgc_decref(b);
}

static int destroyed;
static void pair_destroy(cgc_object *self) { (void)self; ++destroyed; }

static const cgc_type pair_type = {sizeof(cgc_type), "pair", pair_traverse, pair_clear, NULL,
                                   pair_destroy};

int main(void) {
  if (cgc_init(NULL) != 0) {
    fprintf(stderr, "cgc_init: %s\n", cgc_last_error());
    return 1;
  }
  pair *a = (pair *)cgc_alloc(&pair_type, sizeof(pair));
  pair *b = (pair *)cgc_alloc(&pair_type, sizeof(pair));
  if (!a || !b) {
    fprintf(stderr, "cgc_alloc: %s\n", cgc_last_error());
    return 1;
  }
  a->first = &b->header; /* a -> b: a takes over our reference to b */
  cgc_incref(&a->header);
  b->first = &a->header; /* b -> a: a new reference */
  cgc_decref(&a->header); /* drop ours: only the cycle holds them now */
  size_t freed = cgc_collect();
  printf("collected %zu objects, destroyed %d\n", freed, destroyed);
  cgc_shutdown();
  return (freed == 2 && destroyed == 2) ? 0 : 1;
}
