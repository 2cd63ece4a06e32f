/* vswitchd-sim: the program ovsq's tests trace instead of ovs-vswitchd.
 *
 *   vswitchd-sim [--comm NAME] [--ready] [--dpif NAME] [--detach]
 *       Reads commands from stdin, one a line; exits 0 on `quit` or EOF.
 *   vswitchd-sim --rate HZ [--count N] [--probe NAME|all] [--comm NAME]
 *                [--ready] [--wait]
 *       Benchmark mode: fires the `mix` pattern (see below) at HZ events a
 *       second (0: a tight loop) until N events (0: forever) or
 *       SIGTERM/SIGINT, printing nothing per event.
 *
 * Output lines (stdout; see README.md for the full description):
 *   ready pid=<PID>                        --ready, once set up
 *   ok | error: <why>                      after each command
 *   flow_result ufid:<U> result=<R> reason=<D>
 *   flow_sweep_result ufid:<U> result=<R> reason=<D>
 *   reval_entry ufid:<U> tcp_flags=0x<X>
 *   reval_exit ufid:<U> result=<R>
 *   start_dump n_flows=<N>
 *   sweep_done n_flows=<N> max_idle_ms=<M>
 *   upcall type=<DPIF_UC_MISS|DPIF_UC_ACTION> len=<L>  (98, 102 or 118)
 *   flow_put ufid:<U>                      (ufid:none with ufid=none)
 *   flow_del ufid:<U>
 *   flow_get ufid:<U>
 *   flow_execute len=<L>
 *   run_start
 *   poll_block
 *   key <K> <odp flow string>              `key K`
 *   keys <F>-<L> ipv4_tcp=<N> ... tunnel=<N>  `keys N`, `keys F L`
 *   <short_name> <value>                   `semaphores`, one per probe
 *   fired <N>                              --rate, at the end
 *   ns_per_iter <F>                        --rate 0, at the end
 * where <U> is the ufid of the event's number k as
 * %08x-%04x-%04x-%04x-%04x%08x of u32[0], u32[1]>>16, u32[1]&0xffff,
 * u32[2]>>16, u32[2]&0xffff, u32[3]; <R> and <D> are enum reval_result and
 * enum flow_del_reason names. */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* ---- parsing helpers ---------------------------------------------------- */

static bool
parse_u64(const char *s, uint64_t *value)
{
    char *end;
    if (!*s || *s == '-') {
        return false;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) {
        return false;
    }
    *value = v;
    return true;
}

/* An enum value by name, or by number below n. */
static bool
parse_enum(const char *s, const char *const *names, int n, int *value)
{
    uint64_t v;
    for (int i = 0; i < n; i++) {
        if (!strcmp(s, names[i])) {
            *value = i;
            return true;
        }
    }
    if (parse_u64(s, &v) && v < (uint64_t) n) {
        *value = (int) v;
        return true;
    }
    return false;
}

static int
probe_by_name(const char *name)
{
    for (int i = 0; i < SP_N_PROBES; i++) {
        if (!strcmp(name, sim_probes[i].short_name)) {
            return i;
        }
    }
    return -1;
}

/* ---- fire options ------------------------------------------------------- */

enum {
    OPT_COUNT = 1 << 0,
    OPT_RESULT = 1 << 1,
    OPT_REASON = 1 << 2,
    OPT_TYPE = 1 << 3,
    OPT_N_FLOWS = 1 << 4,
    OPT_MAX_IDLE = 1 << 5,
    OPT_TCP_FLAGS = 1 << 6,
    OPT_EVENT = 1 << 7,
    OPT_UFID = 1 << 8,
};

static const unsigned allowed_opts[SP_N_PROBES] = {
    [SP_FLOW_RESULT] = OPT_RESULT | OPT_REASON | OPT_EVENT,
    [SP_FLOW_SWEEP_RESULT] = OPT_RESULT | OPT_REASON | OPT_EVENT,
    [SP_REVAL_ENTRY] = OPT_TCP_FLAGS | OPT_EVENT,
    [SP_REVAL_EXIT] = OPT_RESULT | OPT_EVENT,
    [SP_START_DUMP] = OPT_N_FLOWS,
    [SP_SWEEP_DONE] = OPT_N_FLOWS | OPT_MAX_IDLE,
    [SP_UPCALL] = OPT_TYPE | OPT_EVENT,
    [SP_FLOW_PUT] = OPT_EVENT | OPT_UFID,
    [SP_FLOW_DEL] = OPT_EVENT | OPT_UFID,
    [SP_FLOW_GET] = OPT_EVENT | OPT_UFID,
    [SP_FLOW_EXECUTE] = OPT_EVENT,
    [SP_RUN_START] = 0,
    [SP_POLL_BLOCK] = 0,
};

/* Parses one `name=value` of `fire`.  Returns NULL or an error message
 * (in `err`). */
static const char *
parse_fire_opt(char *arg, enum sim_probe probe, struct sim_fire_opts *opts,
               uint64_t *count, char *err, size_t err_size)
{
    char *value = strchr(arg, '=');
    uint64_t u;
    int e;
    unsigned opt;

    if (!value) {
        snprintf(err, err_size, "expected name=value, got '%s'", arg);
        return err;
    }
    *value++ = '\0';
    if (!strcmp(arg, "count")) {
        opt = OPT_COUNT;
        if (!parse_u64(value, count)) goto bad_value;
    } else if (!strcmp(arg, "result")) {
        opt = OPT_RESULT;
        if (!parse_enum(value, reval_result_names, 3, &e)) goto bad_value;
        opts->result = (enum reval_result) e;
        opts->result_set = true;
    } else if (!strcmp(arg, "reason")) {
        opt = OPT_REASON;
        if (!parse_enum(value, flow_del_reason_names, N_FLOW_DEL_REASONS,
                        &e)) goto bad_value;
        opts->reason = (enum flow_del_reason) e;
    } else if (!strcmp(arg, "type")) {
        opt = OPT_TYPE;
        if (!parse_enum(value, dpif_upcall_type_names, DPIF_N_UC_TYPES, &e))
            goto bad_value;
        opts->type = (enum dpif_upcall_type) e;
    } else if (!strcmp(arg, "n_flows")) {
        opt = OPT_N_FLOWS;
        if (!parse_u64(value, &opts->n_flows)) goto bad_value;
    } else if (!strcmp(arg, "max_idle_ms")) {
        opt = OPT_MAX_IDLE;
        if (!parse_u64(value, &u) || u > UINT32_MAX) goto bad_value;
        opts->max_idle_ms = (unsigned) u;
    } else if (!strcmp(arg, "tcp_flags")) {
        opt = OPT_TCP_FLAGS;
        if (!parse_u64(value, &u) || u > UINT16_MAX) goto bad_value;
        opts->tcp_flags = (int) u;
    } else if (!strcmp(arg, "event")) {
        opt = OPT_EVENT;
        if (!parse_u64(value, &opts->event) || !opts->event) goto bad_value;
    } else if (!strcmp(arg, "ufid")) {
        opt = OPT_UFID;
        if (strcmp(value, "none")) goto bad_value;
        opts->no_ufid = true;
    } else {
        snprintf(err, err_size, "unknown option '%s'", arg);
        return err;
    }
    if (opt != OPT_COUNT && !(allowed_opts[probe] & opt)) {
        snprintf(err, err_size, "option '%s' does not apply to %s", arg,
                 sim_probes[probe].short_name);
        return err;
    }
    return NULL;

bad_value:
    snprintf(err, err_size, "bad value '%s' for %s", value, arg);
    return err;
}

/* ---- commands ----------------------------------------------------------- */

static const char *
cmd_fire(char **args, int n_args, char *err, size_t err_size)
{
    if (n_args < 1) {
        return "usage: fire <probe> [name=value]...";
    }
    int probe = probe_by_name(args[0]);
    if (probe < 0) {
        snprintf(err, err_size, "unknown probe '%s'", args[0]);
        return err;
    }
    struct sim_fire_opts opts;
    uint64_t count = 1;
    sim_fire_defaults(&opts);
    for (int i = 1; i < n_args; i++) {
        if (parse_fire_opt(args[i], probe, &opts, &count, err, err_size)) {
            return err;
        }
    }
    for (uint64_t i = 0; i < count; i++) {
        sim_fire(probe, &opts, stdout);
    }
    return NULL;
}

static const char *
run_command(char **args, int n_args, char *err, size_t err_size)
{
    const char *cmd = args[0];
    uint64_t n;

    if (!strcmp(cmd, "fire")) {
        return cmd_fire(args + 1, n_args - 1, err, err_size);
    } else if (!strcmp(cmd, "mix")) {
        if (n_args != 2 || !parse_u64(args[1], &n)) {
            return "usage: mix <N>";
        }
        for (uint64_t i = 0; i < n; i++) {
            sim_fire_mix(i, false, stdout);
        }
    } else if (!strcmp(cmd, "key")) {
        if (n_args != 2 || !parse_u64(args[1], &n) || !n) {
            return "usage: key <event number, from 1>";
        }
        struct sim_flow flow;
        sim_flow_build(&flow, sim_flow_index(n));
        printf("key %" PRIu64 " ", n);
        sim_flow_format(&flow, stdout);
        putchar('\n');
    } else if (!strcmp(cmd, "keys")) {
        uint64_t first = 1, last;
        if (n_args == 2 && parse_u64(args[1], &last)) {
            /* keys N: events 1..N */
        } else if (n_args != 3 || !parse_u64(args[1], &first) || !first
                   || !parse_u64(args[2], &last) || last < first) {
            return "usage: keys <N> | keys <first> <last>";
        }
        struct sim_flow_counts c;
        sim_flow_count(first, last, &c);
        printf("keys %" PRIu64 "-%" PRIu64 " ipv4_tcp=%" PRIu64
               " ipv4_udp=%" PRIu64 " ipv6_tcp=%" PRIu64 " ipv6_udp=%" PRIu64
               " tcp_443=%" PRIu64 " vlan=%" PRIu64 " ct=%" PRIu64
               " tunnel=%" PRIu64 "\n",
               first, last, c.ipv4_tcp, c.ipv4_udp, c.ipv6_tcp, c.ipv6_udp,
               c.tcp_443, c.vlan, c.ct, c.tunnel);
    } else if (!strcmp(cmd, "semaphores")) {
        if (n_args != 1) {
            return "usage: semaphores";
        }
        if (!sim_has_semaphores) {
            return "built without semaphores (use vswitchd-sim-sema)";
        }
        for (int i = 0; i < SP_N_PROBES; i++) {
            printf("%s %u\n", sim_probes[i].short_name,
                   (unsigned) *sim_probes[i].semaphore);
        }
    } else {
        snprintf(err, err_size, "unknown command '%s'", cmd);
        return err;
    }
    return NULL;
}

static int
command_loop(void)
{
    char *line = NULL;
    size_t cap = 0;

    while (getline(&line, &cap, stdin) > 0) {
        char *args[32], *save = NULL;
        int n_args = 0;
        for (char *tok = strtok_r(line, " \t\r\n", &save);
             tok && n_args < 32; tok = strtok_r(NULL, " \t\r\n", &save)) {
            args[n_args++] = tok;
        }
        if (!n_args || args[0][0] == '#') {
            continue;                     /* blank line or comment */
        }
        if (!strcmp(args[0], "quit")) {
            puts("ok");
            fflush(stdout);
            break;
        }
        char err[256];
        const char *error = run_command(args, n_args, err, sizeof err);
        if (error) {
            printf("error: %s\n", error);
        } else {
            puts("ok");
        }
        fflush(stdout);
    }
    free(line);
    return 0;
}

/* ---- --rate ------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
    (void) sig;
    stop_requested = 1;
}

static uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* --probe all: the probes in turn, event i being probe i % SP_N_PROBES. */
#define SIM_ALL_PROBES SP_N_PROBES

static void
fire_one(enum sim_probe probe, uint64_t i, const struct sim_fire_opts *opts)
{
    if (probe == SIM_ALL_PROBES) {
        probe = (enum sim_probe) (i % SP_N_PROBES);
        i /= SP_N_PROBES;
    }
    if (probe == SP_FLOW_RESULT || probe == SP_FLOW_SWEEP_RESULT) {
        sim_fire_mix(i, probe == SP_FLOW_SWEEP_RESULT, NULL);
    } else {
        sim_fire(probe, opts, NULL);
    }
}

static int
rate_loop(uint64_t hz, uint64_t count, enum sim_probe probe)
{
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct sim_fire_opts opts;
    sim_fire_defaults(&opts);
    uint64_t fired = 0;
    uint64_t start = now_ns();

    if (hz == 0) {
        while ((!count || fired < count) && !stop_requested) {
            fire_one(probe, fired++, &opts);
        }
    } else {
        while ((!count || fired < count) && !stop_requested) {
            uint64_t elapsed = now_ns() - start;
            uint64_t due = (uint64_t) ((unsigned __int128) elapsed * hz
                                       / 1000000000u) + 1;
            if (count && due > count) {
                due = count;
            }
            while (fired < due && !stop_requested) {
                fire_one(probe, fired++, &opts);
            }
            /* Sleep until the next event is due. */
            uint64_t next = start + (uint64_t) ((unsigned __int128) fired
                                                * 1000000000u / hz);
            struct timespec ts = { .tv_sec = (time_t) (next / 1000000000u),
                                   .tv_nsec = (long) (next % 1000000000u) };
            if (!count || fired < count) {
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
            }
        }
    }
    uint64_t elapsed = now_ns() - start;
    printf("fired %" PRIu64 "\n", fired);
    if (hz == 0) {
        printf("ns_per_iter %.2f\n", fired ? (double) elapsed / fired : 0.0);
    }
    fflush(stdout);
    return 0;
}

/* ---- main --------------------------------------------------------------- */

/* --detach as ovs-vswitchd's daemonize_start() does it: fork; the child
 * calls setsid() and goes on; the parent exits once the child has started
 * (here: when the child closes the pipe).  The parent first lingers 300 ms
 * alone, as a real vswitchd's start-up before it detaches, long enough
 * that a tracer looking for the process sees only the parent.  Returns the
 * child's end of the pipe, to close once started. */
static int
detach_as_ovs_does(void)
{
    struct timespec linger = { 0, 300 * 1000 * 1000 };
    int fds[2];
    pid_t pid;

    nanosleep(&linger, NULL);
    if (pipe(fds) != 0 || (pid = fork()) < 0) {
        perror("vswitchd-sim: --detach");
        exit(1);
    }
    if (pid > 0) {
        char c;
        close(fds[1]);
        exit(read(fds[0], &c, 1) == 0 ? 0 : 1);  /* EOF: the child started */
    }
    close(fds[0]);
    setsid();
    return fds[1];
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: vswitchd-sim [--comm NAME] [--ready] [--dpif NAME]"
            " [--detach]\n"
            "       vswitchd-sim --rate HZ [--count N] [--probe NAME|all]"
            " [--comm NAME] [--ready] [--wait]\n"
            "Commands on stdin: fire <probe> [name=value]..., mix N, key K,"
            " keys N, semaphores, quit.\n");
    exit(2);
}

int
main(int argc, char *argv[])
{
    const char *comm = NULL, *dpif_name = "ovs-system";
    bool ready = false, wait = false, rate_mode = false, detach = false;
    uint64_t hz = 0, count = 0;
    int probe = SP_FLOW_RESULT;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--ready")) {
            ready = true;
        } else if (!strcmp(arg, "--wait")) {
            wait = true;
        } else if (!strcmp(arg, "--detach")) {
            detach = true;
        } else if (!value) {
            usage();
        } else if (!strcmp(arg, "--comm")) {
            comm = value, i++;
        } else if (!strcmp(arg, "--dpif")) {
            dpif_name = value, i++;
        } else if (!strcmp(arg, "--rate")) {
            rate_mode = true, i++;
            if (!parse_u64(value, &hz)) usage();
        } else if (!strcmp(arg, "--count")) {
            i++;
            if (!parse_u64(value, &count)) usage();
        } else if (!strcmp(arg, "--probe")) {
            i++;
            if (!strcmp(value, "all")) {
                probe = SIM_ALL_PROBES;
            } else if ((probe = probe_by_name(value)) < 0) {
                fprintf(stderr, "vswitchd-sim: unknown probe '%s'\n", value);
                exit(2);
            }
        } else {
            usage();
        }
    }

    if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0) != 0) {
        perror("vswitchd-sim: prctl(PR_SET_NAME)");
        exit(1);
    }
    int started_fd = detach ? detach_as_ovs_does() : -1;
    sim_world_init(dpif_name);
    if (ready) {
        printf("ready pid=%ld\n", (long) getpid());
        fflush(stdout);
    }
    if (started_fd >= 0) {
        close(started_fd);
    }
    if (!rate_mode) {
        return command_loop();
    }
    if (wait) {
        /* Start when a line (or EOF) arrives on stdin: lets a benchmark
         * attach its tracer first. */
        int c;
        while ((c = getchar()) != EOF && c != '\n') {
            continue;
        }
    }
    return rate_loop(hz, count, probe);
}
