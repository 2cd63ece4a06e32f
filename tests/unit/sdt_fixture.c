/* A tiny traced program for usdt_notes_test and debug_info_test.
 *
 * Probes (provider ovsq_fx):
 *   two_locs  at two places, two arguments (a pointer and an int)
 *   konst     constant arguments: 4@$5 -4@$-1
 *   mem       memory arguments: key->len (off(%reg)) and the globals
 *             fx_global_key.len and fx_sink (sym(%rip))
 *   guarded   a probe with a semaphore (sdt_fixture_sema.c)
 * Types: shapes like the ones ovsq reads in ovs-vswitchd (a union
 * typedef, an _Atomic pointer inside an anonymous struct, enums), plus a
 * bit-field, an anonymous union, arrays, a function pointer, an opaque
 * struct, recursive types, and types defined in both source files.  The
 * tests check their exact layout. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sdt.h>

typedef union {
  uint32_t u32[4];
  struct {
    uint64_t lo, hi;
  } u64;
} fx_u128;

struct fx_node {
  struct {
    _Atomic(struct fx_node *) p;
  } next;
};

enum fx_result { FX_KEEP, FX_DELETE, FX_MODIFY };
enum fx_signed { FX_NEG = -2, FX_ZERO = 0, FX_BIG = 1000 };
typedef enum { FX_ANON_A = 7, FX_ANON_B } fx_anon_t;

struct fx_opaque; /* never defined */

typedef struct fx_list fx_list_t;
struct fx_list {
  fx_list_t *next;
  const struct fx_list *prev;
  fx_list_t *many[2];
};

struct fx_key {
  struct fx_node node;             /*  0 */
  const struct fx_opaque *opaque;  /*  8 */
  size_t len;                      /* 16 */
  fx_u128 ufid;                    /* 24 */
  unsigned flags : 3;              /* 40, bits 0-2 */
  unsigned kind : 5;               /* 40, bits 3-7 */
  unsigned wide : 12;              /* 41, bits 0-11 */
  union {                          /* 44 */
    int as_int;
    float as_float;
  };
  enum fx_result result;           /* 48 */
  int (*callback)(void *, int);    /* 56 */
  void *cookie;                    /* 64 */
  char name[16];                   /* 72 */
  int matrix[2][3];                /* 88 */
  struct fx_key *self;             /* 112 */
  volatile const uint16_t port;    /* 120 */
  bool present;                    /* 122 */
  fx_list_t list;                  /* 128 */
  fx_anon_t anon;                  /* 160 */
  enum fx_signed sig;              /* 164 */
  uint8_t tail[];                  /* 168 */
};

/* Two files define these: fx_shared alike, fx_dup differently (see
 * sdt_fixture_sema.c). */
struct fx_shared {
  int x;
};
struct fx_dup {
  long b;
  char c;
};

struct fx_key fx_global_key;
struct fx_shared fx_shared_main;
struct fx_dup fx_dup_main;
volatile int fx_sink;

void fx_first(struct fx_key *key, int n);
void fx_second(struct fx_key *key, int n);
void fx_sema_fire(int n); /* sdt_fixture_sema.c */

__attribute__((noipa)) void fx_first(struct fx_key *key, int n) {
  DTRACE_PROBE2(ovsq_fx, two_locs, key, n);
  DTRACE_PROBE3(ovsq_fx, mem, key->len, fx_global_key.len, fx_sink);
  fx_sink = n;
}

__attribute__((noipa)) void fx_second(struct fx_key *key, int n) {
  fx_sink = n + 1;
  DTRACE_PROBE2(ovsq_fx, two_locs, key, n + 1);
}

int main(int argc, char **argv) {
  (void) argv;
  fx_first(&fx_global_key, argc);
  fx_second(&fx_global_key, argc);
  DTRACE_PROBE2(ovsq_fx, konst, 5u, -1);
  fx_sema_fire(argc);
  return 0;
}
