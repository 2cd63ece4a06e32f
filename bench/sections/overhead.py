"""Per-hit overhead: what a tracer adds to each probe hit, measured by the
sim itself (ns_per_iter of a tight loop of N hits), and whether the tracer
got every event.  Also holds run_case(), which the throughput section
uses too."""
import os
import re

from measure import (BenchError, Child, Sim, count_in_file, last_line,
                     wait_quiet)
from report import Samples, Section, ratio
import tools


def expected_ufid(k):
    """The ufid of the sim's event number k (tests/sim/README.md)."""
    def splitmix64(x):
        m = (1 << 64) - 1
        z = (x + 0x9e3779b97f4a7c15) & m
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & m
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & m
        return z ^ (z >> 31)
    lo, hi = splitmix64(k), splitmix64(k + (1 << 63))
    u = [lo & 0xffffffff, lo >> 32, hi & 0xffffffff, hi >> 32]
    return "ufid:%08x-%04x-%04x-%04x-%04x%08x" % (
        u[0], u[1] >> 16, u[1] & 0xffff, u[2] >> 16, u[2] & 0xffff, u[3])


def n_idle(n):
    """Events among the first n of the mix whose reason is FDR_FLOW_IDLE."""
    return len(range(3, n, 12))


def expected_events(workload, n):
    return {"filter_print": n_idle(n), "print_all": n}.get(workload, 0)


def self_lost(tool, fmt, stderr, out_tail):
    """The tool's own count of events it lost, or None if it has none."""
    if tool == "ovsq":
        if fmt == "json":
            m = re.findall(r'"type":"lost".*"count":(\d+).*"final":true',
                           out_tail)
        else:
            m = re.findall(r"Lost (\d+) events \(ring buffer full\)", stderr)
        return int(m[-1]) if m else 0
    if tool == "bpftrace":
        m = re.findall(r"Lost (\d+) events|\"lost_events\".*?(\d+)",
                       stderr + "\n" + out_tail)
        return sum(int(a or b) for a, b in m)
    if tool == "bcc":
        m = re.findall(r"^lost (\d+)", stderr, re.M)
        return int(m[-1]) if m else None
    return None


def run_case(cfg, tool, workload, n, tmpdir, fmt="text", rate=0,
             stop_after=None):
    """One run: the sim fires n events at `rate` (0: as fast as it can)
    while `tool` (None: no tracer) runs `workload` with stdout to a file.
    With `stop_after`, the sim is stopped after that many seconds (a
    tracer that slows it down must not make the run endless) and the
    events expected are those it fired.  Returns a dict of what was
    measured; raises BenchError."""
    out_path = os.path.join(tmpdir, "out")
    sim = Sim(cfg.sim, rate, n, wait=True)
    child = None
    try:
        if tool:
            argv, env = tools.command(cfg, tool, workload, sim.pid, fmt)
            child = Child(argv, stdout_path=out_path, env=env)
            try:
                tools.wait_attached(child, tool, out_path)
            except BenchError as e:
                raise BenchError("%s (%s)" % (e, last_line(
                    child.stderr_text())))
        sim.release()
        expected_secs = n / rate if rate else n * 20e-9
        fired, ns, wall = sim.finish(60 + 3 * expected_secs, stop_after)
        r = {"fired": fired, "ns": ns, "wall": wall, "notes": []}
        if fired != n and stop_after is None:
            raise BenchError("sim fired %d of %d" % (fired, n))
        if not child:
            return r
        if tool == "ovsq":
            # ovsq stops by itself when the traced process exits.
            if not child.wait(30):
                r["notes"].append("did not exit by itself")
        else:
            wait_quiet(out_path, child)      # let it drain, then stop it
        if not child.stop(30):
            r["notes"].append("needed SIGKILL")
        if child.returncode not in (0, None):
            r["notes"].append("exit %d" % child.returncode)
        stderr = child.stderr_text()
        with open(out_path, "rb") as f:
            f.seek(max(0, os.path.getsize(out_path) - 65536))
            tail = f.read().decode(errors="replace")
        r["self_lost"] = self_lost(tool, fmt, stderr, tail)
        if workload == "filter_count":
            m = re.search(r"(\d+)\s*$", tail)
            if not m:
                raise BenchError("no count in output (%s)"
                                 % last_line(stderr))
            r["count"] = int(m.group(1))
        if workload in ("filter_print", "print_all"):
            r["printed"] = count_in_file(out_path)
            r["lost"] = expected_events(workload, fired) - r["printed"]
            check_first(out_path, workload, r)
        return r
    finally:
        if child:
            child.kill()
        sim.kill()
        if os.path.exists(out_path):
            os.unlink(out_path)


def check_first(path, workload, r):
    """The first event printed must be the sim's first matching one (event
    number 1, or 4 with the FDR_FLOW_IDLE filter), unless it was lost."""
    with open(path, "rb") as f:
        head = f.read(65536).decode(errors="replace")
    m = re.search(r"ufid:[0-9a-f-]{36}", head)
    want = expected_ufid(4 if workload == "filter_print" else 1)
    if m and m.group(0) != want and not r.get("lost"):
        raise BenchError("first ufid %s, expected %s" % (m.group(0), want))


def cases(opts):
    yield None, None
    for workload in tools.WORKLOADS:
        for tool in opts.tools:
            yield tool, workload


def run(cfg, opts, tmpdir):
    n = opts.n
    sec = Section("Per-hit overhead (sim tight loop, N = %d hits)" % n)
    res = {}
    for _ in range(opts.reps):      # reps outermost: spreads the noise
        for tool, workload in cases(opts):
            cell = res.setdefault((tool, workload), {
                "ns": Samples(), "lost": [], "self": [], "count": [],
                "notes": set()})
            try:
                r = run_case(cfg, tool, workload, n, tmpdir)
                cell["ns"].add(r["ns"])
                cell["lost"].append(r.get("lost"))
                cell["self"].append(r.get("self_lost"))
                cell["count"].append(r.get("count"))
                cell["notes"].update(r["notes"])
            except (BenchError, OSError) as e:
                cell["ns"].fail(e)
    # The floor is ovsq's empty program; another tool's without ovsq.
    floor_tool = "ovsq" if "ovsq" in opts.tools else opts.tools[0]
    floor = res[floor_tool, "empty"]["ns"].median() if opts.tools else None
    rows = []
    for tool, workload in cases(opts):
        c = res[tool, workload]
        ns = c["ns"].median()
        expected = expected_events(workload, n)
        extra = "-"
        if expected and ns is not None and floor is not None:
            extra = "%.0f" % ((ns - floor) * n / expected)
            if any(c["lost"]):
                extra += " (events lost)"     # lost ones cost less
        rows.append([tool or "no tracer", workload or "-",
                     c["ns"].cell("%.1f"),
                     ratio(ns, floor), extra,
                     expected or "-", check(workload, n, c)])
    sec.table(["tool", "workload", "ns/hit", "× floor",
               "extra ns/printed event", "events expected",
               "result (per rep)"], rows)
    sec.note(
        "ns/hit: the sim's own ns_per_iter (median of %d runs). Floor: "
        "%s `empty` (%s ns), a program that returns at once: the cost "
        "of the uprobe itself. Extra ns per printed event = (ns/hit - "
        "floor) × N / events expected; misleading when events were "
        "lost, as a full buffer makes a hit cheaper. Print workloads write to a file "
        "in %s (stdout redirected, as a user capturing a fast stream "
        "would); bpftrace and BCC flush each line, ovsq writes in "
        "batches. `lost` = events expected - event lines in the file; "
        "`self-reported` = what the tool itself said it lost (- : it "
        "has no such count). ovsq and bpftrace exit by themselves when "
        "the sim exits; BCC gets SIGINT once its output file has stopped "
        "growing for 0.5 s."
        % (opts.reps, floor_tool if opts.tools else "-",
           "%.1f" % floor if floor else "-", tmpdir))
    return sec


def check(workload, n, c):
    """The result column: the count or the losses of each repetition."""
    parts = []
    if not c["ns"].values:
        pass                                # the ns/hit cell has the error
    elif workload == "filter_count":
        want = n_idle(n)
        got = [x for x in c["count"] if x is not None]
        bad = [x for x in got if x != want]
        parts.append("count %s" % ("ok (%d)" % want if got and not bad
                                   else "WRONG: %s, expected %d"
                                   % (",".join(map(str, got)) or "none",
                                      want)))
    elif workload in ("filter_print", "print_all"):
        parts.append("lost %s" % ",".join(
            "?" if x is None else str(x) for x in c["lost"]))
        parts.append("self-reported %s" % ",".join(
            "-" if x is None else str(x) for x in c["self"]))
    if c["notes"]:
        parts.append("; ".join(sorted(c["notes"])))
    return "; ".join(parts)
