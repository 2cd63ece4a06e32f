"""Start-up on a real ovs-vswitchd, ovsq against bpftrace on the same probe.

Run by bench/real-ovs, which starts Open vSwitch and keeps traffic going
between two hosts so that main:poll_block fires thousands of times a
second: the wait for the probe to fire is then well under a millisecond
and the time to the first event line is the tool's own start-up.

  python3 bench/real_ovs.py --ovsq OVSQ --pid PID --binary VSWITCHD [--runs N]

cold: the page cache dropped (and ovsq's DWARF index cache emptied) before
each launch; warm: after one unmeasured launch.  Prints markdown tables.
"""
import argparse
import os
import shutil
import tempfile

from measure import BenchError, drop_caches, first_line
from report import Samples, ratio

TOOLS = ("ovsq", "bpftrace")
# ovsq's own work before attach: every phase but the kernel's (attach) and
# the wait for the event.
OWN_PHASES = ("start-up", "parse", "probes and debug info", "sema", "lower",
              "llvm", "load")


def command(tool, opts):
    if tool == "ovsq":
        return [opts.ovsq, "--timings", "-p", str(opts.pid),
                "-e", "on poll_block print probe"]
    return ["bpftrace", "-p", str(opts.pid), "-e",
            'usdt:%s:main:poll_block { printf("poll_block\\n"); }'
            % opts.binary]


def launch(tool, opts, env, phases=None):
    """One launch: (ms to the first event line, peak RSS MiB)."""
    ms, _, mib, timings = first_line(command(tool, opts), r"^poll_block$", env,
                                     tool == "ovsq" and phases is not None)
    if timings:
        for name, value in timings:
            phases.setdefault(name, Samples()).add(value)
        own = sum(value for name, value in timings if name in OWN_PHASES)
        phases.setdefault("own work before attach", Samples()).add(own)
    return ms, mib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ovsq", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=10)
    opts = ap.parse_args()
    tools = [t for t in TOOLS if t == "ovsq" or shutil.which(t)]

    cache = tempfile.mkdtemp(prefix="ovsq-bench-cache.")
    env = dict(os.environ, OVSQ_CACHE_DIR=cache)
    results = {}                  # (tool, case) -> (ms, MiB) Samples
    phases = {"cold": {}, "warm": {}}
    try:
        for tool in tools:
            for case in ("cold", "warm"):
                ms, mib = Samples(), Samples()
                results[tool, case] = ms, mib
                if case == "warm":
                    try:
                        launch(tool, opts, env)       # unmeasured
                    except BenchError:
                        pass                          # the runs will tell
                for _ in range(opts.runs):
                    try:
                        if case == "cold":
                            for name in os.listdir(cache):
                                os.unlink(os.path.join(cache, name))
                            drop_caches()
                        m, r = launch(tool, opts, env,
                                      phases[case] if tool == "ovsq" else None)
                        ms.add(m)
                        mib.add(r)
                    except (BenchError, OSError) as e:
                        ms.fail(e)
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    print("| tool | cold ms | warm ms | cold peak RSS MiB | warm peak RSS MiB |")
    print("|---|---|---|---|---|")
    for tool in tools:
        cells = [results[tool, c][0].cell("%.0f") for c in ("cold", "warm")]
        cells += [results[tool, c][1].cell("%.1f") for c in ("cold", "warm")]
        print("| %s | %s |" % (tool, " | ".join(cells)))
    for tool in tools:
        if tool == "ovsq":
            continue
        cells = [ratio(results[tool, c][k].median(), results["ovsq", c][k].median())
                 for k in (0, 1) for c in ("cold", "warm")]
        print("| %s / ovsq | %s |" % (tool, " | ".join(cells)))
    print()
    print("Medians of %d launches: from just before the launch to the first "
          "`poll_block` line on the tool's stdout (a pipe); peak RSS is "
          "the tool's own (GNU time's %%M)." % opts.runs)
    print()
    print("| ovsq phase (--timings) | cold ms | warm ms |")
    print("|---|---|---|")
    for name in phases["warm"]:
        print("| %s | %s | %s |" % (name, phases["cold"].get(name, Samples()).cell("%.2f"),
                                    phases["warm"][name].cell("%.2f")))


if __name__ == "__main__":
    main()
