"""Compile only: ovsq parsing, checking against the DWARF and compiling to
a BPF object, without loading anything (--emit=obj)."""
import glob
import os

from measure import BenchError, last_line, run_once
from report import Samples, Section
from tools import HERE

RUNS = 10


def run(cfg, opts):
    sec = Section("Compile only (ovsq --emit=obj, no load)")
    root = os.path.dirname(HERE)
    files = sorted(glob.glob(os.path.join(root, "examples", "*.ovsq"))) + \
        sorted(glob.glob(os.path.join(HERE, "workloads", "ovsq", "*.ovsq")))
    rows = []
    for path in files:
        argv = [cfg.ovsq, "--binary", cfg.sim, "--emit=obj", "-o",
                os.devnull, path]
        ms, mib = Samples(), Samples()
        for i in range(RUNS + 1):
            try:
                secs, kib, rc, err = run_once(argv, 60)
                if rc != 0:
                    raise BenchError("exit %d: %s" % (rc, last_line(err)))
                if i > 0:              # the first run only warms the cache
                    ms.add(secs * 1e3)
                    mib.add(kib / 1024)
            except (BenchError, OSError) as e:
                ms.fail(e)
                mib.fail(e)
                break
        rows.append([os.path.relpath(path, root), ms.cell("%.0f"),
                     mib.cell("%.1f")])
    sec.table(["query", "wall ms", "peak RSS MiB"], rows)
    sec.note("Median of %d runs after one unmeasured run; `ovsq --binary "
             "SIM --emit=obj -o /dev/null FILE`." % RUNS)
    return sec
