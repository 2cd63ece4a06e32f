/* The semaphore probe of sdt_fixture.c: sdt.h turns semaphores on for a
 * whole translation unit, so it lives in its own.  The semaphore is where
 * `dtrace -G` puts them, in the writable .probes section. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

void fx_sema_fire(int n);

/* The same struct fx_shared as sdt_fixture.c's; another struct fx_dup. */
struct fx_shared {
  int x;
};
struct fx_dup {
  int a;
};
struct fx_sema_holder {
  struct fx_dup dup;
  struct fx_shared shared;
} fx_sema_holder;

unsigned short ovsq_fx_guarded_semaphore __attribute__((section(".probes")));

void fx_sema_fire(int n) {
  if (ovsq_fx_guarded_semaphore) DTRACE_PROBE1(ovsq_fx, guarded, n);
}
