"""Process helpers: start the simulator and the tracers, wait for lines,
stop them, and collect their peak RSS.

Every child runs in its own session, so a Ctrl-C at the terminal reaches
only the harness, which then stops the children in its finally blocks.

Peak RSS is not the ru_maxrss of a child of this harness: at exec the
kernel keeps the peak of the memory the child had before, a copy of this
Python process (20-30 MiB), so a smaller tool would show the harness's
size.  A child whose peak is wanted runs under GNU time, a 1 MiB process
that forks the tool and reports the tool's own peak (%M); signals go to
the tool.  The extra fork and exec adds about a millisecond to every
tool's launch alike.
"""
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

SIM_COMM = "benchsim"       # never "ovs-vswitchd": tests look for that name

# Every child ever started, so that cleanup_all() can kill the survivors.
_children = []


class BenchError(Exception):
    """A measurement that failed; its text goes into the table's row."""


def now_ns():
    return time.monotonic_ns()


class Lines:
    """The lines of one pipe, read by a thread, each with the
    time.monotonic_ns() at which it was read.  Keeps the first `keep`
    lines and counts the rest."""

    def __init__(self, stream, keep=20000):
        self.lines = []          # (t_ns, text)
        self.total = 0
        self.closed = False
        self._keep = keep
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, args=(stream,),
                                        daemon=True)
        self._thread.start()

    def _run(self, stream):
        for raw in iter(stream.readline, b""):
            t = now_ns()
            with self._cond:
                self.total += 1
                if len(self.lines) < self._keep:
                    self.lines.append((t, raw.decode(errors="replace")
                                       .rstrip("\n")))
                self._cond.notify_all()
        with self._cond:
            self.closed = True
            self._cond.notify_all()
        stream.close()

    def wait_for(self, pattern, timeout, what="line"):
        """(t_ns, line) of the first line matching `pattern`."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for t, line in self.lines[seen:]:
                    if rx.search(line):
                        return t, line
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if self.closed:
                    raise BenchError("exited before %s" % what)
                if left <= 0:
                    raise BenchError("no %s after %.0f s" % (what, timeout))
                self._cond.wait(min(left, 0.5))

    def text(self):
        with self._cond:
            return "\n".join(line for _, line in self.lines)

    def join(self, timeout=5):
        self._thread.join(timeout)


GNU_TIME = "/usr/bin/time"


class Child:
    """A started process.  stdout goes to `stdout_path` if given, else to a
    pipe read by a Lines thread; stderr always to a Lines thread."""

    def __init__(self, argv, stdout_path=None, stdin=False, env=None,
                 peak_rss=False):
        self.argv = argv
        self._rss_file = None
        if peak_rss:
            fd, self._rss_file = tempfile.mkstemp(prefix="ovsq-bench-rss-")
            os.close(fd)
            argv = [GNU_TIME, "-f", "%M", "-o", self._rss_file] + list(argv)
        self.t_start = now_ns()
        out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=out, stderr=subprocess.PIPE, env=env,
                start_new_session=True)
        finally:
            if stdout_path:
                out.close()
        _children.append(self)
        self.pid = self.proc.pid if not peak_rss else self._tool_pid()
        self.out = None if stdout_path else Lines(self.proc.stdout)
        self.err = Lines(self.proc.stderr)
        self.returncode = None
        self.maxrss_kib = None
        self.t_exit = None

    def _tool_pid(self):
        """GNU time's child, once forked (time's own PID if the tool has
        already come and gone)."""
        children = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with open(children) as f:
                    pids = f.read().split()
            except OSError:
                break
            if pids:
                return int(pids[0])
            if self.proc.poll() is not None:
                break
            time.sleep(0.0005)
        return self.proc.pid

    def _read_peak_rss(self):
        try:
            with open(self._rss_file) as f:  # "Command terminated by ..." first
                lines = [l for l in f.read().split("\n") if l.strip()]
            return int(lines[-1]) if lines else None
        except (OSError, ValueError):
            return None
        finally:
            os.unlink(self._rss_file)

    def alive(self):
        return self.returncode is None and not self.poll()

    def poll(self):
        """Reaps the child if it has exited; True then."""
        if self.returncode is not None:
            return True
        try:
            pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
        except ChildProcessError:
            self.returncode = -1
            return True
        if pid == 0:
            return False
        self.t_exit = now_ns()
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode   # Popen must not reap it
        self.maxrss_kib = (self._read_peak_rss() if self._rss_file
                           else ru.ru_maxrss)
        return True

    def wait(self, timeout):
        """True if the child exited within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self.poll():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def send(self, sig):
        if self.returncode is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout=15.0, sig=signal.SIGINT):
        """Sends `sig`, waits up to `timeout` s, then SIGKILLs the child's
        process group.  True if it exited on `sig` alone."""
        self.send(sig)
        if self.wait(timeout):
            return True
        self.kill()
        return False

    def kill(self):
        if self.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.wait(5)

    def stderr_text(self):
        self.err.join(1)
        return self.err.text()

    def mib(self):
        return None if self.maxrss_kib is None else self.maxrss_kib / 1024


def cleanup_all():
    """Kills every child still running (used in the harness's finally)."""
    for child in _children:
        child.kill()


class Sim(Child):
    """vswitchd-sim in benchmark mode, firing revalidate:flow_result in the
    `mix` pattern."""

    def __init__(self, path, rate, count=0, wait=False):
        argv = [path, "--rate", str(rate), "--count", str(count),
                "--comm", SIM_COMM, "--ready"] + (["--wait"] if wait else [])
        super().__init__(argv, stdin=wait)
        _, line = self.out.wait_for(r"^ready pid=\d+", 10, "'ready' line")
        if int(line.split("=")[1]) != self.pid:
            raise BenchError("sim reports another pid: " + line)
        self.t_release = None

    def release(self):
        """Starts firing (--wait): writes the line the sim waits for."""
        self.t_release = now_ns()
        self.proc.stdin.write(b"\n")
        self.proc.stdin.flush()

    def finish(self, timeout, stop_after=None):
        """Waits for the sim to exit, stopping it (SIGINT) after
        `stop_after` seconds if given; returns (fired, ns_per_iter or None,
        seconds from release to exit)."""
        if stop_after is not None and not self.wait(stop_after):
            self.send(signal.SIGINT)
        if not self.wait(timeout):
            raise BenchError("sim still running after %.0f s" % timeout)
        self.out.join(5)
        text = self.out.text()
        m = re.search(r"^fired (\d+)$", text, re.M)
        if not m:
            raise BenchError("sim printed no 'fired' line (exit %s)"
                             % self.returncode)
        ns = re.search(r"^ns_per_iter ([\d.]+)$", text, re.M)
        wall = (self.t_exit - self.t_release) / 1e9 if self.t_release else None
        return int(m.group(1)), float(ns.group(1)) if ns else None, wall


def wait_in_file(path, pattern, timeout, child=None, what="line"):
    """Polls a file until a line matches `pattern` (for tools that print
    their status on stdout, which goes to the file)."""
    rx = re.compile(pattern.encode())
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "rb") as f:
                head = f.read(1 << 16)
            if rx.search(head):
                return
        except FileNotFoundError:
            pass
        if child is not None and child.poll():
            raise BenchError("exited before %s: %s" % (what, last_line(
                child.stderr_text())))
        if time.monotonic() >= deadline:
            raise BenchError("no %s after %.0f s" % (what, timeout))
        time.sleep(0.01)


def wait_quiet(path, child, quiet=0.5, timeout=60.0):
    """Waits until the file has not grown for `quiet` seconds (the tool has
    drained its buffers) or the child has exited."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline and not child.poll():
        s = os.path.getsize(path) if os.path.exists(path) else 0
        if s != size:
            size, since = s, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)


def count_in_file(path, needle=b"ufid:"):
    """Occurrences of `needle` in a file, read in chunks (files can be
    tens of MB)."""
    n, tail = 0, b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            n += buf.count(needle)
            # A needle split between chunks: keep its possible start.  The
            # tail is shorter than the needle, so nothing is counted twice.
            tail = buf[-(len(needle) - 1):]
    return n


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:120] if lines else "(no output)"


TIMING = re.compile(r"([a-z][a-z -]*?) ([0-9.]+) ms")


def first_line(argv, pattern, env=None, timings=False):
    """Launches `argv` and stops it (SIGINT) at its first stdout line
    matching `pattern`: (ms from the launch to that line, the line, peak
    RSS MiB, and with `timings` ovsq's --timings phases as (name, ms))."""
    child = Child(argv, env=env, peak_rss=True)
    try:
        t, line = child.out.wait_for(pattern, 120, "event line")
        phases = []
        if timings:
            _, text = child.err.wait_for(r"^ovsq: timings: ", 10, "--timings line")
            phases = [(name, float(ms)) for name, ms in
                      TIMING.findall(text.split(": ", 2)[2])]
        if not child.stop(15):
            raise BenchError("needed SIGKILL to stop")
        return (t - child.t_start) / 1e6, line, child.mib(), phases
    except BenchError as e:
        if child.poll() and child.returncode:
            raise BenchError("%s (exit %s: %s)" % (e, child.returncode,
                                                  last_line(child.stderr_text())))
        raise
    finally:
        child.kill()


def drop_caches():
    subprocess.run(["sync"], timeout=60, check=False)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def run_once(argv, timeout, env=None):
    """Runs a command to completion; returns (seconds, peak RSS KiB,
    returncode, stderr)."""
    child = Child(argv, stdout_path=os.devnull, env=env, peak_rss=True)
    try:
        if not child.wait(timeout):
            raise BenchError("timed out after %.0f s" % timeout)
        return ((child.t_exit - child.t_start) / 1e9, child.maxrss_kib,
                child.returncode, child.stderr_text())
    finally:
        child.kill()
