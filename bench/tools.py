"""How each tool is started on a workload, and how to tell it has attached.

The workloads live side by side in bench/workloads/<tool>/; each tool's
version does the same work and prints the same information.  All three
get the same event buffer, 1 MiB in total: ovsq's default ring buffer
(256 pages), a 256-page BCC ring buffer, and bpftrace's per-CPU perf
buffers sized so that they add up to the same (BPFTRACE_PERF_RB_PAGES).
"""
import os
import sys
import time

from measure import BenchError, wait_in_file

TOOLS = ("ovsq", "bpftrace", "bcc")
WORKLOADS = ("empty", "filter_count", "filter_print", "print_all")
HERE = os.path.dirname(os.path.abspath(__file__))
RING_PAGES = 256

# python3-bpfcc installs the bcc module for Debian's own python3, which is
# not necessarily the python3 first in PATH (pyenv, venvs).
BCC_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
    else sys.executable

# bpftrace prints "Attaching N probes..." before it attaches them; waiting
# this long after the line makes sure the uprobes are in place.
BPFTRACE_ATTACH_GRACE = 1.0


class Config:
    def __init__(self, ovsq, sim):
        self.ovsq = os.path.abspath(ovsq)
        self.sim = os.path.abspath(sim)
        self.ncpus = os.cpu_count() or 1


def workload_file(tool, workload):
    ext = {"ovsq": "ovsq", "bpftrace": "bt"}[tool]
    return os.path.join(HERE, "workloads", tool, "%s.%s" % (workload, ext))


def command(cfg, tool, workload, pid, fmt="text"):
    """(argv, env) running `workload` on process `pid`; output on stdout."""
    env = dict(os.environ)
    if tool == "ovsq":
        argv = [cfg.ovsq, "-p", str(pid), "-f", fmt,
                workload_file(tool, workload)]
    elif tool == "bpftrace":
        # The probe names the binary; the .bt files say SIM_PATH instead.
        with open(workload_file(tool, workload)) as f:
            program = f.read().replace("SIM_PATH", cfg.sim)
        pages = max(1, RING_PAGES // cfg.ncpus)
        pages = 1 << (pages.bit_length() - 1)      # a power of two
        env["BPFTRACE_PERF_RB_PAGES"] = str(pages)
        argv = ["bpftrace", "-p", str(pid), "-f", fmt, "-e", program]
    elif tool == "bcc":
        argv = [BCC_PYTHON, os.path.join(HERE, "workloads", "bcc",
                                         "flow_result.py"),
                "-p", str(pid), "--mode", workload,
                "--ring-pages", str(RING_PAGES)]
        if fmt == "json":
            argv.append("--json")
    else:
        raise ValueError(tool)
    return argv, env


def wait_attached(child, tool, stdout_path=None, timeout=90.0):
    """Returns once the tool's uprobes are attached (raises BenchError)."""
    what = "attach message"
    if tool == "ovsq":
        child.err.wait_for(r"^Attached \d+ probe", timeout, what)
    elif tool == "bcc":
        child.err.wait_for(r"^ATTACHED", timeout, what)
    elif tool == "bpftrace":
        # On stdout: "Attaching 2 probes..." or, in JSON, attached_probes.
        pattern = r"Attaching \d+ probes|attached_probes"
        if stdout_path:
            wait_in_file(stdout_path, pattern, timeout, child, what)
        else:
            child.out.wait_for(pattern, timeout, what)
        time.sleep(BPFTRACE_ATTACH_GRACE)
    if child.poll():
        raise BenchError("exited right after attaching")


def version(cfg, tool):
    import subprocess
    argv = {"ovsq": [cfg.ovsq, "--version"],
            "bpftrace": ["bpftrace", "--version"],
            "bcc": [BCC_PYTHON, "-c", "import bcc; print(bcc.__version__)"]}
    try:
        r = subprocess.run(argv[tool], capture_output=True, text=True,
                           timeout=30)
        return (r.stdout.strip() or r.stderr.strip()).splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return "error: %s" % e
