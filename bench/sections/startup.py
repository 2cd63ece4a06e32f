"""Start-up: time from launching a tool to its first event line, and its
peak RSS, with the sim firing an event every millisecond.

cold: the page cache is dropped before each launch (binaries, libraries,
LLVM/clang, the sim's DWARF all come from disk); warm: after one
unmeasured launch."""
import re

from measure import BenchError, Sim, drop_caches, first_line
from report import Samples, Section, ratio
import tools

EVENT = re.compile(r"ufid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                   r"[0-9a-f]{12}\s+(FDR_[A-Z_]+|\d+)\b")


def launch(cfg, tool, pid, phases=None):
    """One launch: (ms to the first event line, peak RSS MiB).  For ovsq,
    adds its --timings line's phases (name -> ms) to `phases`."""
    argv, env = tools.command(cfg, tool, "print_all", pid)
    if tool == "ovsq":
        argv.insert(1, "--timings")
    ms, line, mib, timings = first_line(argv, r"ufid:", env,
                                        tool == "ovsq" and phases is not None)
    if not EVENT.search(line):
        raise BenchError("implausible event line: %r" % line[:80])
    for name, value in timings:
        phases.setdefault(name, Samples()).add(value)
    return ms, mib


def run(cfg, opts):
    sec = Section("Start-up (workload print_all, sim at 1000 events/s)")
    results = {}       # (tool, case) -> (ms Samples, MiB Samples)
    phases = {}        # ovsq's --timings, warm: phase -> ms Samples
    sim = Sim(cfg.sim, 1000)
    try:
        for tool in opts.tools:
            for case in ("cold", "warm"):
                ms, mib = Samples(), Samples()
                results[tool, case] = ms, mib
                if case == "warm":
                    try:
                        launch(cfg, tool, sim.pid)     # unmeasured
                    except BenchError:
                        pass                           # the reps will tell
                for _ in range(opts.startup_reps):
                    try:
                        if case == "cold":
                            drop_caches()
                        m, r = launch(cfg, tool, sim.pid,
                                      phases if case == "warm" else None)
                        ms.add(m)
                        mib.add(r)
                    except (BenchError, OSError) as e:
                        ms.fail(e)          # the RSS cell stays "-"
                if not sim.alive():
                    raise BenchError("the sim died")
    finally:
        sim.kill()

    rows = []
    for tool in opts.tools:
        row = [tool]
        for case in ("cold", "warm"):
            row.append(results[tool, case][0].cell("%.0f"))
        for case in ("cold", "warm"):
            row.append(results[tool, case][1].cell("%.1f"))
        rows.append(row)
    for tool in opts.tools:
        if tool == "ovsq" or "ovsq" not in opts.tools:
            continue
        row = ["%s / ovsq" % tool]
        for k in (0, 1):
            for case in ("cold", "warm"):
                row.append(ratio(results[tool, case][k].median(),
                                 results["ovsq", case][k].median()))
        rows.append(row)
    sec.table(["tool", "cold ms", "warm ms", "cold peak RSS MiB",
               "warm peak RSS MiB"], rows)
    sec.note("Medians of %d launches. Time: from just before the tool is "
             "launched to the first event line on its stdout (a pipe); "
             "every line was checked to be a ufid and a reason. Peak RSS: "
             "the tool's own, after SIGINT (GNU time's %%M; bench/measure.py "
             "says why not the harness's ru_maxrss)."
             % opts.startup_reps)
    if phases:
        sec.table(["ovsq phase (warm, --timings)", "median ms"],
                  [[name, samples.cell("%.2f")] for name, samples in phases.items()])
        sec.note("Measured inside ovsq from its first static constructor "
                 "(so the dynamic loader and exec are not in `total`); "
                 "`attach` is what is left of the kernel's uprobe "
                 "registration once loading is done: it started on a "
                 "thread right after the probe notes were read.")
    return sec
