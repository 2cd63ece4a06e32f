#!/usr/bin/python3
"""The benchmark workloads written with BCC, the way OVS's own
utilities/usdt-scripts are: USDT(pid=...), bpf_usdt_readarg, a ring buffer
read from Python, which prints each event.

  flow_result.py -p PID --mode empty|filter_count|filter_print|print_all
                 [--json] [--ring-pages N]

Prints ATTACHED on stderr once the probes are attached.  On SIGINT it
drains the ring buffer, prints the count (filter_count) and, on stderr,
the events the ring buffer had no room for ("lost N").
"""
import argparse
import json
import signal
import sys
import time

from bcc import BPF, USDT

# enum flow_del_reason, in order (ofproto/ofproto-dpif-upcall.c).
REASONS = [
    "FDR_NONE", "FDR_AVOID_CACHING", "FDR_BAD_ODP_FIT", "FDR_FLOW_IDLE",
    "FDR_FLOW_LIMIT", "FDR_FLOW_WILDCARDED", "FDR_NO_OFPROTO", "FDR_PURGE",
    "FDR_TOO_EXPENSIVE", "FDR_UPDATE_FAIL", "FDR_XLATION_ERROR",
    "FDR_FLOW_MISSING_DP",
]
FDR_FLOW_IDLE = 3

# MODE_* and RING_PAGES are defined by cflags below.  The empty program
# must stay empty: it is the uprobe floor.
PROGRAM = r"""
#include <uapi/linux/ptrace.h>

struct event {
    u32 ufid[4];
    u32 reason;
};

BPF_PERCPU_ARRAY(hits, u64, 1);
BPF_PERCPU_ARRAY(dropped, u64, 1);
BPF_RINGBUF_OUTPUT(events, RING_PAGES);

int on_flow_result(struct pt_regs *ctx)
{
#if MODE_EMPTY
    return 0;
#else
    u32 zero = 0;
    /* The size must match the argument's (4@...): bpf_usdt_readarg
     * fails, leaving 0, on any other. */
    u32 reason = 0;
    bpf_usdt_readarg(4, ctx, &reason);
#if MODE_FILTER
    if (reason != FDR_FLOW_IDLE) {
        return 0;
    }
#endif
#if MODE_COUNT
    u64 *n = hits.lookup(&zero);
    if (n) {
        (*n)++;                 /* per-CPU: no atomic needed */
    }
#else
    struct event *e = events.ringbuf_reserve(sizeof *e);
    if (!e) {
        u64 *d = dropped.lookup(&zero);
        if (d) {
            (*d)++;
        }
        return 0;
    }
    u64 ukey = 0;
    bpf_usdt_readarg(2, ctx, &ukey);
    /* struct udpif_key's ufid (ovs_u128) is at offset 40. */
    bpf_probe_read_user(e->ufid, sizeof e->ufid, (void *) (ukey + 40));
    e->reason = reason;
    events.ringbuf_submit(e, 0);
#endif
    return 0;
#endif
}
"""


def format_ufid(u):
    return "ufid:%08x-%04x-%04x-%04x-%04x%08x" % (
        u[0], u[1] >> 16, u[1] & 0xffff, u[2] >> 16, u[2] & 0xffff, u[3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", "--pid", type=int, required=True)
    ap.add_argument("--mode", required=True,
                    choices=["empty", "filter_count", "filter_print",
                             "print_all"])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--ring-pages", type=int, default=64)
    args = ap.parse_args()

    # One line out per event, as soon as it is read: the start-up
    # measurement times the first one.
    sys.stdout.reconfigure(line_buffering=True)

    cflags = [
        "-DMODE_EMPTY=%d" % (args.mode == "empty"),
        "-DMODE_FILTER=%d" % args.mode.startswith("filter"),
        "-DMODE_COUNT=%d" % (args.mode == "filter_count"),
        "-DFDR_FLOW_IDLE=%d" % FDR_FLOW_IDLE,
        "-DRING_PAGES=%d" % args.ring_pages,
    ]
    usdt = USDT(pid=args.pid)
    usdt.enable_probe(probe="revalidate:flow_result", fn_name="on_flow_result")
    b = BPF(text=PROGRAM, usdt_contexts=[usdt], cflags=cflags)
    print("ATTACHED", file=sys.stderr, flush=True)

    print_all = args.mode == "print_all"

    def on_event(ctx, data, size):
        e = b["events"].event(data)
        ufid = format_ufid(e.ufid)
        reason = REASONS[e.reason] if e.reason < len(REASONS) else e.reason
        if args.json:
            rec = {"ufid": ufid, "reason": reason} if print_all \
                else {"ufid": ufid}
            print(json.dumps(rec))
        elif print_all:
            print("%s  %s" % (ufid, reason))
        else:
            print(ufid)

    printing = args.mode in ("filter_print", "print_all")
    if printing:
        b["events"].open_ring_buffer(on_event)
    # SIGINT sets a flag instead of raising KeyboardInterrupt: raised
    # inside on_event (a ctypes callback) the exception would be printed
    # and dropped, and the loop would go on.
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop:
        if printing:
            b.ring_buffer_poll(100)
        else:
            time.sleep(0.1)
    if printing:
        b.ring_buffer_consume()     # what is still in the buffer
    if args.mode == "filter_count":
        print("count %d" % sum(b["hits"][0]))
    print("lost %d" % sum(b["dropped"][0]), file=sys.stderr)


if __name__ == "__main__":
    main()
