"""Throughput and loss: print_all with every event written to a file,
first at the sim's full rate (text and JSON), then at fixed rates of about
one second each, to find the highest rate at which nothing is lost."""
from measure import BenchError
from report import Samples, Section
from sections.overhead import run_case
import tools


def full_rate(cfg, opts, tmpdir, sec):
    n = opts.n
    rows = []
    for fmt in ("text", "json"):
        for tool in opts.tools:
            printed, rate, lost, self_lost, notes = Samples(), Samples(), \
                [], [], set()
            for _ in range(opts.reps):
                try:
                    r = run_case(cfg, tool, "print_all", n, tmpdir, fmt)
                    printed.add(r["printed"])
                    rate.add(r["fired"] / r["wall"])
                    lost.append(r["lost"])
                    self_lost.append(r["self_lost"])
                    notes.update(r["notes"])
                except (BenchError, OSError) as e:
                    printed.fail(e)
                    rate.fail(e)
            rows.append([tool, fmt, n, printed.cell("%d"),
                         ",".join(map(str, lost)) or "-",
                         ",".join("-" if x is None else str(x)
                                  for x in self_lost) or "-",
                         rate.cell("%.0f"), "; ".join(sorted(notes))])
    sec.note("### Full rate (sim tight loop, N = %d, median of %d)"
             % (n, opts.reps))
    sec.table(["tool", "format", "events", "printed", "lost (per rep)",
               "self-reported lost", "fired/s", "notes"], rows)


# A rate is "kept up with" when nothing is lost and the sim still reaches
# this share of the asked rate: a tracer that slows every hit down can lose
# nothing while the traced process runs far slower.
KEPT_UP = 0.95
SWEEP_STOP_AFTER = 3.0      # seconds; a 1 s run slowed more than 3× stops


def sweep(cfg, opts, tmpdir, sec):
    rows, no_loss, kept_up = [], {}, {}
    for rate in opts.rates:
        row = ["%d" % rate]
        for tool in opts.tools:
            # About a second per rate: count = rate.
            try:
                r = run_case(cfg, tool, "print_all", rate, tmpdir, "text",
                             rate, SWEEP_STOP_AFTER)
                achieved = r["fired"] / r["wall"]
                cell = "lost %d, %.0f/s" % (r["lost"], achieved)
                if r["fired"] < rate:
                    cell += " (stopped at %d)" % r["fired"]
                row.append(cell)
                if r["lost"] == 0:
                    no_loss[tool] = max(no_loss.get(tool, 0), rate)
                    if achieved >= KEPT_UP * rate:
                        kept_up[tool] = max(kept_up.get(tool, 0), rate)
            except (BenchError, OSError) as e:
                row.append("error: %s" % e)
        rows.append(row)
    rows.append(["**highest rate, nothing lost**"]
                + [str(no_loss.get(t, "none")) for t in opts.tools])
    rows.append(["**highest rate kept up with**"]
                + [str(kept_up.get(t, "none")) for t in opts.tools])
    sec.note("### Rate sweep (text output to a file, about 1 s per rate, "
             "one run each)")
    sec.table(["events/s asked"] + list(opts.tools), rows)
    sec.note("Each cell: events lost (fired - event lines written) and the "
             "achieved rate, events fired / wall time from releasing the "
             "sim to its exit. The achieved rate falls below the asked one "
             "when the tracer's per-hit cost (or CPU contention) slows the "
             "sim down; runs slowed more than %.0f× are stopped after "
             "%.0f s. Kept up with: nothing lost and at least %.0f%% of the "
             "asked rate achieved."
             % (SWEEP_STOP_AFTER, SWEEP_STOP_AFTER, KEPT_UP * 100))


def run(cfg, opts, tmpdir):
    sec = Section("Throughput and loss (workload print_all)")
    full_rate(cfg, opts, tmpdir, sec)
    sweep(cfg, opts, tmpdir, sec)
    return sec
