#!/usr/bin/env python3
"""ovsq against bpftrace and BCC on the same workloads, in the same run,
against the simulator vswitchd-sim.  Run it through bench/run (root).

Prints markdown tables of medians and ratios on stdout and writes them to
--markdown FILE.  Standard library only."""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure                                       # noqa: E402
import tools                                         # noqa: E402
from report import Section                           # noqa: E402
from sections import compile as compile_section      # noqa: E402
from sections import metrics, overhead, session, soak, startup, throughput  # noqa: E402

SECTIONS = ("startup", "overhead", "throughput", "compile", "session", "soak",
            "metrics")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ovsq", required=True, help="the ovsq binary")
    ap.add_argument("--sim", required=True, help="the vswitchd-sim binary")
    ap.add_argument("--quick", action="store_true",
                    help="1 repetition, smaller counts: a smoke run")
    ap.add_argument("--reps", type=int,
                    help="repetitions (default 5 for start-up, 3 otherwise)")
    ap.add_argument("--only", default=",".join(tools.TOOLS),
                    help="tools, comma-separated (default: all)")
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help="sections, comma-separated (default: all)")
    ap.add_argument("--soak-seconds", type=int,
                    help="how long each soak workload runs (default 600; "
                    "30 with --quick)")
    ap.add_argument("--markdown", default="build-bench/bench-results.md",
                    help="also write the tables here")
    opts = ap.parse_args()
    opts.tools = [t for t in opts.only.split(",") if t]
    opts.sections = [s for s in opts.sections.split(",") if s]
    for name, have, known in (("tool", opts.tools, tools.TOOLS),
                              ("section", opts.sections, SECTIONS)):
        bad = set(have) - set(known)
        if bad:
            ap.error("unknown %s %s (known: %s)" % (
                name, ", ".join(sorted(bad)), ", ".join(known)))
    opts.tools = [t for t in tools.TOOLS if t in opts.tools]
    opts.soak_seconds = opts.soak_seconds or (30 if opts.quick else 600)
    if opts.quick:
        opts.reps = opts.reps or 1
        opts.startup_reps = opts.reps
        opts.n = 200_000
        opts.rates = [100_000, 1_000_000]
    else:
        opts.startup_reps = opts.reps or 5
        opts.reps = opts.reps or 3
        opts.n = 1_000_000
        opts.rates = [50_000, 100_000, 200_000, 500_000, 1_000_000,
                      2_000_000]
    return opts


def machine(cfg, opts):
    def read(path, key):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"
    mem_kib = read("/proc/meminfo", "MemTotal").split()[0]
    rows = [
        ("date", datetime.datetime.now().astimezone().isoformat(
            timespec="seconds")),
        ("command", os.environ.get("BENCH_COMMAND") or
         " ".join(shlex.quote(a) for a in sys.argv)),
        ("kernel", platform.release()),
        ("CPU", "%s × %d" % (read("/proc/cpuinfo", "model name"),
                             os.cpu_count() or 0)),
        ("memory", "%.1f GiB" % (int(mem_kib) / 2**20)
         if mem_kib.isdigit() else "?"),
        ("load average", " ".join(os.getloadavg().__repr__()
                                  .strip("()").split(", "))),
    ] + [(t, tools.version(cfg, t)) for t in tools.TOOLS]
    sec = Section("Machine")
    sec.note("\n".join("- **%s**: %s" % r for r in rows))
    return sec


def main():
    opts = parse_args()
    # Children inherit an ignored SIGINT (e.g. when this runs in the
    # background of a shell); they must see the default action, since
    # SIGINT is how they are stopped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cfg = tools.Config(opts.ovsq, opts.sim)
    for path in (cfg.ovsq, cfg.sim):
        if not os.access(path, os.X_OK):
            sys.exit("bench.py: %s: not an executable" % path)
    if os.geteuid() != 0:
        sys.exit("bench.py: needs root (BPF, uprobes, drop_caches)")

    t0 = time.monotonic()
    out = ["# ovsq benchmark\n", machine(cfg, opts).markdown()]
    print(out[0] + "\n" + out[1], flush=True)
    tmpdir = tempfile.mkdtemp(prefix="ovsq-bench-")
    try:
        for name in SECTIONS:
            if name in opts.sections:
                out.append(run_section(name, cfg, opts, tmpdir))
                print(out[-1], flush=True)
    except KeyboardInterrupt:
        out.append("**Interrupted.**\n")
        print(out[-1], flush=True)
    finally:
        measure.cleanup_all()
        shutil.rmtree(tmpdir, ignore_errors=True)
        left = subprocess.run(["pgrep", "-x", measure.SIM_COMM],
                              capture_output=True, text=True).stdout.split()
        if left:
            print("warning: %s processes still running: %s"
                  % (measure.SIM_COMM, " ".join(left)), file=sys.stderr)
    out.append("_Total: %.0f s._\n" % (time.monotonic() - t0))
    print(out[-1])
    if opts.markdown:
        os.makedirs(os.path.dirname(os.path.abspath(opts.markdown)),
                    exist_ok=True)
        with open(opts.markdown, "w") as f:
            f.write("\n".join(out))
        print("(written to %s)" % opts.markdown, file=sys.stderr)
    return 130 if out[-2].startswith("**Interrupted") else 0


def run_section(name, cfg, opts, tmpdir):
    """One section's markdown; an error that ends a section is its text."""
    t = time.monotonic()
    print("(running %s...)" % name, file=sys.stderr, flush=True)
    try:
        if name == "startup":
            sec = startup.run(cfg, opts)
        elif name == "overhead":
            sec = overhead.run(cfg, opts, tmpdir)
        elif name == "throughput":
            sec = throughput.run(cfg, opts, tmpdir)
        elif name == "session":
            sec = session.run(cfg, opts)
        elif name == "soak":
            sec = soak.run(cfg, opts)
        elif name == "metrics":
            sec = metrics.run(cfg, opts)
        else:
            sec = compile_section.run(cfg, opts)
    except (measure.BenchError, OSError) as e:
        sec = Section(name)
        sec.note("error: %s" % e)
    sec.note("_(section took %.0f s)_" % (time.monotonic() - t))
    return sec.markdown()


if __name__ == "__main__":
    sys.exit(main())
