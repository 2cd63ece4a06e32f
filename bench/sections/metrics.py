"""The metrics exporter (ovsq --metrics, docs/metrics.md): how long a scrape
of /metrics takes and how much CPU the exporter spends on it with 1, 100
and 10,000 series (goal: a 10,000-series scrape under 20 ms), and the
per-hit cost of a query served by the exporter (scraped every 100 ms
meanwhile) against the same query under -e (the cost must be the BPF
program's, the same in both)."""
import os
import socket
import threading
import time
import urllib.request

from measure import BenchError, Child, Sim, last_line, now_ns
from report import Samples, Section, ratio

SERIES = (1, 100, 10_000)
SCRAPES = 50
# One series per distinct ufid: the sim's event k has its own ufid, so N
# events make N series; `probe` alone makes one.
QUERY_SERIES = "on flow_result { @hits[ufid] = count() }"
QUERY_ONE = "on flow_result { @hits[probe] = count() }"
QUERY_HIT = "on flow_result where reason == FDR_FLOW_IDLE { @idle[reason] = count() }"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def scrape(port):
    """(ms, body bytes) of one GET /metrics."""
    t0 = now_ns()
    body = urllib.request.urlopen(
        "http://127.0.0.1:%d/metrics" % port, timeout=10).read()
    return (now_ns() - t0) / 1e6, body


def cpu_ms(pid):
    """User + system CPU time of a process so far, in ms."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])     # utime, stime
    return ticks * 1000.0 / os.sysconf("SC_CLK_TCK")


def start_exporter(cfg, port, args):
    child = Child([cfg.ovsq, "--metrics", str(port)] + args)
    child.err.wait_for(r"^Serving metrics on", 60, "'Serving metrics' line")
    return child


def scrape_cost(cfg, opts, series):
    """Samples of scrape ms, and exporter CPU ms per scrape, with `series`
    series of @hits (plus ovsq's own metrics)."""
    latency, cpu = Samples(), Samples()
    port = free_port()
    sim = Sim(cfg.sim, 0, series, wait=True)
    child = None
    try:
        # --binary: every process running the sim, so the exporter keeps
        # serving after the sim has fired its events and exited.
        child = start_exporter(cfg, port, [
            "--binary", cfg.sim, "--metrics-max-series", "20000",
            "-e", QUERY_ONE if series == 1 else QUERY_SERIES])
        sim.release()
        fired, _, _ = sim.finish(60)
        if fired != series:
            raise BenchError("sim fired %d of %d" % (fired, series))
        _, body = scrape(port)                      # warm-up, and a check
        got = body.count(b"\novsq_hits_total{")
        if got != series:
            raise BenchError("%d series served, expected %d" % (got, series))
        for _ in range(SCRAPES):
            before = cpu_ms(child.pid)
            ms, _ = scrape(port)
            latency.add(ms)
            cpu.add(cpu_ms(child.pid) - before)
        return latency, cpu, len(body)
    finally:
        if child:
            child.stop(15)
        sim.kill()


def per_hit(cfg, opts, exporter):
    """ns/hit of the sim's tight loop with QUERY_HIT attached, by the
    exporter (scraped every 100 ms) or by a one-shot -e."""
    n = opts.n
    sim = Sim(cfg.sim, 0, n, wait=True)
    child = None
    stop = threading.Event()
    scraper = None
    try:
        if exporter:
            port = free_port()
            child = start_exporter(cfg, port, ["-p", str(sim.pid), "-e", QUERY_HIT])

            def scrape_loop():
                while not stop.wait(0.1):
                    try:
                        scrape(port)
                    except OSError:
                        return
            scraper = threading.Thread(target=scrape_loop, daemon=True)
            scraper.start()
        else:
            child = Child([cfg.ovsq, "-p", str(sim.pid), "-e", QUERY_HIT])
            child.err.wait_for(r"^Attached", 60, "'Attached' line")
        sim.release()
        fired, ns, _ = sim.finish(120)
        if fired != n or ns is None:
            raise BenchError("sim fired %d of %d" % (fired, n))
        if not child.wait(30):
            raise BenchError("ovsq did not exit with the sim (%s)"
                             % last_line(child.stderr_text()))
        return ns
    finally:
        stop.set()
        if scraper:
            scraper.join(5)
        if child:
            child.kill()
        sim.kill()


def run(cfg, opts):
    sec = Section("Metrics exporter: scrapes and per-hit cost")
    rows = []
    for series in SERIES:
        latency, cpu, size = Samples(), Samples(), None
        for _ in range(opts.reps):
            try:
                l, c, size = scrape_cost(cfg, opts, series)
                latency.add(l.median())
                cpu.add(c.median())
            except (BenchError, OSError) as e:
                latency.fail(e)
        rows.append(["{:,}".format(series), latency.cell("%.2f"),
                     cpu.cell("%.1f"), "-" if size is None else "{:,}".format(size)])
    sec.table(["series", "scrape ms", "exporter CPU ms/scrape", "body bytes"], rows)
    sec.note(
        "One aggregation (`%s`) with that many keys in its map, the sim "
        "having fired one flow_result per key; the median of %d scrapes "
        "(GET /metrics on loopback, urllib) per run, the median of %d runs. "
        "CPU: the exporter's utime + stime across one scrape (clock ticks, "
        "so small values are coarse). Goal: 10,000 series under 20 ms."
        % (QUERY_SERIES, SCRAPES, opts.reps))

    under = {"-e": Samples(), "--metrics": Samples()}
    for _ in range(opts.reps):
        for name in under:
            try:
                under[name].add(per_hit(cfg, opts, name == "--metrics"))
            except (BenchError, OSError) as e:
                under[name].fail(e)
    e, m = under["-e"].median(), under["--metrics"].median()
    sec.table(["ovsq", "ns/hit", "× -e"], [
        ["-e", under["-e"].cell("%.1f"), "1.00×" if e else "-"],
        ["--metrics (scraped every 100 ms)", under["--metrics"].cell("%.1f"),
         ratio(m, e)]])
    sec.note(
        "`%s` on the sim's tight loop of N = %d flow_result hits (its own "
        "ns_per_iter), attached by a one-shot ovsq or by the exporter; "
        "median of %d runs each." % (QUERY_HIT, opts.n, opts.reps))
    return sec
