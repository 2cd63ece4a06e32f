"""The interactive session: time from Enter to attached for a new query
(median of 20 queries, ovsq's own phases from `--timings`), beside the
one-shot start-up of the same query; and the per-hit cost of ten
background queries in one session against the same ten queries as ten
one-shot ovsq processes (the cost must be their programs', nothing more)."""
import re
import time

from measure import BenchError, Child, Sim, last_line, now_ns
from report import Samples, Section, ratio

QUERIES = 20
JOBS = 10
OWN = ("parse", "sema", "lower", "llvm")


def phases(line):
    """{phase: ms} of an `ovsq: timings: ...` line."""
    return dict((name.strip(), float(ms)) for name, ms in re.findall(
        r"([a-z -]+) ([\d.]+) ms", line.split("timings: ", 1)[1]))


def query(i):
    """The i-th query: distinct filters, so that nothing could be cached."""
    return "on flow_result where reason == %d && result != %d count" % (
        i % 12, 100 + i)


def start_session(cfg, pid):
    child = Child([cfg.ovsq, "-i", "--timings", "-p", str(pid)], stdin=True)
    child.err.wait_for(r"session on PID", 30, "session banner")
    return child


def type_line(child, text):
    child.proc.stdin.write((text + "\n").encode())
    child.proc.stdin.flush()


def enter_to_attached(cfg, opts):
    """Returns Samples of ovsq's compile, load+attach, total (--timings) and
    the wall time from writing the line to the job's "[N]" line.  Each
    query starts while the earlier ones run."""
    compile_ms, attach_ms, total_ms, wall_ms = (Samples() for _ in range(4))
    sim = Sim(cfg.sim, 1000)
    child = None
    try:
        child = start_session(cfg, sim.pid)
        for i in range(1, QUERIES + 1):
            t0 = now_ns()
            type_line(child, query(i) + " &")
            t1, _ = child.err.wait_for(r"^\[%d\] " % i, 30, "job %d" % i)
            timings = [l for l in child.err.text().splitlines()
                       if l.startswith("ovsq: timings: ")]
            if len(timings) < i:
                raise BenchError("no timings for job %d" % i)
            p = phases(timings[i - 1])
            compile_ms.add(sum(p[k] for k in OWN))
            attach_ms.add(p["load and attach"])
            total_ms.add(p["total"])
            wall_ms.add((t1 - t0) / 1e6)
        # All twenty run until the end: detaching one waits for the
        # kernel (an RCU grace period), which is no part of a start.
        type_line(child, ".quit")
        if not child.wait(30):
            raise BenchError("the session did not quit")
    finally:
        if child:
            child.kill()
        sim.kill()
    return compile_ms, attach_ms, total_ms, wall_ms


def one_shot(cfg, opts):
    """The same query as a one-shot ovsq: its --timings phases."""
    total, own = Samples(), Samples()
    for i in range(1, opts.startup_reps + 2):
        sim = Sim(cfg.sim, 1000)
        child = Child([cfg.ovsq, "--timings", "-p", str(sim.pid),
                       "-e", query(i).replace(" count", " print ufid")])
        try:
            _, line = child.err.wait_for(r"^ovsq: timings: ", 30, "timings")
            p = phases(line)
            if i > 1:        # the first run only warms the cache
                total.add(sum(v for k, v in p.items()
                              if k not in ("total", "first event")))
                own.add(sum(p[k] for k in OWN))
        finally:
            child.stop(10)
            sim.kill()
    return total, own


def per_hit(cfg, opts, in_session):
    """ns per hit of the sim's tight loop with JOBS filter_count queries:
    all in one session, or one ovsq process each."""
    n = opts.n
    sim = Sim(cfg.sim, 0, n, wait=True)
    children = []
    try:
        if in_session:
            child = start_session(cfg, sim.pid)
            children.append(child)
            for i in range(1, JOBS + 1):
                type_line(child, query(i) + " &")
                child.err.wait_for(r"^\[%d\] " % i, 30, "job %d" % i)
        else:
            for i in range(1, JOBS + 1):
                child = Child([cfg.ovsq, "-q", "-p", str(sim.pid), "-e", query(i)])
                children.append(child)
            time.sleep(0.5)
            for child in children:
                if not child.alive():
                    raise BenchError("one-shot ovsq exited: %s"
                                     % last_line(child.stderr_text()))
        sim.release()
        _, ns, _ = sim.finish(60 + n * 200e-9 * JOBS)
        return ns
    finally:
        for child in children:
            child.kill()
        sim.kill()


def run(cfg, opts):
    sec = Section("Interactive session: Enter to attached, and ten background queries")
    c, a, t, w = enter_to_attached(cfg, opts)
    total, own = one_shot(cfg, opts)
    sec.table(["", "ovsq's own work ms", "load and attach ms", "total ms",
               "Enter to \"[N]\" ms"], [
        ["session, new query (median of %d)" % QUERIES, c.cell("%.2f"),
         a.cell("%.2f"), t.cell("%.2f"), w.cell("%.2f")],
        ["one-shot `ovsq -e` (--timings, warm)", own.cell("%.2f"), "",
         total.cell("%.2f"), ""],
    ])
    base = Samples()
    session, separate = Samples(), Samples()
    for _ in range(opts.reps):
        try:
            session.add(per_hit(cfg, opts, True))
            separate.add(per_hit(cfg, opts, False))
        except BenchError as e:
            session.fail(e)
            separate.fail(e)
    sim = Sim(cfg.sim, 0, opts.n, wait=True)
    sim.release()
    base.add(sim.finish(60)[1])
    sec.table(["sim tight loop", "ns per hit", "vs untraced"], [
        ["untraced", base.cell("%.1f"), ""],
        ["%d background queries in one session" % JOBS, session.cell("%.1f"),
         ratio(session.median(), base.median())],
        ["the same %d queries, one ovsq each" % JOBS, separate.cell("%.1f"),
         ratio(separate.median(), base.median())],
        ["session / separate", ratio(session.median(), separate.median()), ""],
    ])
    sec.note("Session: `ovsq -i --timings -p PID` fed lines on a pipe (the "
             "same session as on a terminal, without libedit); each query "
             "`%s &` (i from 1 to %d, each a job left running). ovsq's own work is parse, check, lower "
             "and LLVM (the binary's notes and DWARF were read when the "
             "session started); load and attach are the verifier and the "
             "kernel's uprobe registration. The one-shot row adds up the "
             "same phases of `ovsq --timings -e` up to attach, debug info "
             "and start-up included. Per hit: N = %d hits of the sim's "
             "tight loop, each query counting in the kernel."
             % (query(1).replace("== 1 && result != 101", "== i % 12 && result != 100 + i"),
                QUERIES, opts.n))
    return sec
