"""Soak: ovsq left running against the sim at its full rate, its resident
memory (VmRSS) and open file descriptors sampled every second, for
--soak-seconds each (default 600; 30 with --quick):

- print: every event printed (`on flow_result print ufid, reason`, text to
  /dev/null), the ring buffer and the printer busy all the time;
- every: aggregations emptied every second (`count by reason` and a
  per-flow count keyed by ufid, which fills its map within the second and
  drops the rest: the churn of a full map emptied and refilled).

Both must stay flat: the tables give each series' least-squares slope over
the whole run and over its second half (after warm-up), and its maximum.
A growing slope is a leak; the second half is the one to judge."""
import os
import signal
import time

from measure import BenchError, Child, Sim, last_line
from report import Section

WORKLOADS = (
    ("print", "on flow_result print ufid, reason"),
    ("every", "on flow_result { count by reason; @per_flow[ufid] = count() } "
              "every 1s"),
)


def sample(pid):
    """(VmRSS KiB, open fds) of a running process, or None once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        return rss, len(os.listdir("/proc/%d/fd" % pid))
    except (OSError, StopIteration):
        return None


def slope(points):
    """Least-squares slope of (t, y) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return 60 * sum((t - mt) * (y - my) for t, y in points) / var


def soak(cfg, query, seconds):
    """Runs `query` for `seconds` against a full-rate sim: the samples
    [(t, rss_kib, fds)] and the events the sim fired."""
    sim = Sim(cfg.sim, 0, wait=True)
    child = None
    try:
        child = Child([cfg.ovsq, "-p", str(sim.pid), "-o", "/dev/null",
                       "-e", query])
        child.err.wait_for(r"^Attached", 60, "Attached")
        sim.release()
        samples = []
        t0 = time.monotonic()
        next_t = t0
        while time.monotonic() - t0 < seconds:
            next_t += 1.0
            time.sleep(max(0.0, next_t - time.monotonic()))
            s = sample(child.pid)
            if s is None or not child.alive():
                raise BenchError("ovsq exited after %.0f s (exit %s: %s)"
                                 % (time.monotonic() - t0, child.returncode,
                                    last_line(child.stderr_text())))
            samples.append((time.monotonic() - t0,) + s)
        sim.send(signal.SIGINT)     # the sim prints how many it fired
        fired, _, _ = sim.finish(30)
        if not child.wait(30):
            raise BenchError("ovsq did not stop after the sim exited")
        if child.returncode != 0:
            raise BenchError("ovsq exited %s: %s" % (
                child.returncode, last_line(child.stderr_text())))
        return samples, fired
    finally:
        if child:
            child.kill()
        sim.kill()


def run(cfg, opts):
    seconds = opts.soak_seconds
    sec = Section("Soak (sim at full rate, %d s per workload, sampled each "
                  "second)" % seconds)
    rows = []
    for name, query in WORKLOADS:
        try:
            samples, fired = soak(cfg, query, seconds)
        except BenchError as e:
            rows.append([name, "error: %s" % e] + [""] * 6)
            continue
        half = samples[len(samples) // 2:]
        rss = [(t, r / 1024) for t, r, _ in samples]
        fds = [(t, f) for t, _, f in samples]
        rows.append([
            name, "%d" % len(samples), "%.1f / %.1f" % (rss[0][1], rss[-1][1]),
            "%.1f" % max(r for _, r in rss),
            "%+.3f / %+.3f" % (slope(rss), slope([(t, r / 1024) for t, r, _ in half])),
            "%d / %d" % (fds[0][1], max(f for _, f in fds)),
            "%+.3f / %+.3f" % (slope(fds), slope([(t, f) for t, _, f in half])),
            "%.0f" % (fired / seconds),
        ])
    sec.table(["workload", "samples", "RSS MiB first / last", "RSS MiB max",
               "RSS MiB/min slope: all / 2nd half", "fds first / max",
               "fds/min slope: all / 2nd half", "events fired/s"], rows)
    sec.note("Queries: " + "; ".join("%s: `%s`" % w for w in WORKLOADS)
             + ". Output to /dev/null.")
    return sec
