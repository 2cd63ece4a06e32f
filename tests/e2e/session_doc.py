#!/usr/bin/env python3
"""Replays the worked session of docs/interactive.md on vswitchd-sim.

The document's ```ovsq-session blocks are one terminal transcript: lines
starting with "ovsq> " or "...> " are typed, "^C" is Ctrl-C, everything
else is what ovsq must print.  <!-- sim: COMMAND --> comments between the
blocks fire events in the sim at that point.  ovsq runs in tmux, and the
screen must equal the transcript, with PIDs, paths and job times
normalised.  Exit status: 0 pass, 77 skip, 1 fail (meson's convention).

    session_doc.py DOC            replay and compare
    session_doc.py DOC --print    replay, print the screen (to write the doc)
"""
import os
import re
import subprocess
import sys
import tempfile
import time

OVSQ = os.environ["OVSQ"]
SIM = os.environ["SIM"]
PROMPT = re.compile(r"^(ovsq|\.\.\.)> ")


def require_kernel():
    why = None
    if os.geteuid() != 0:
        why = "needs root to load BPF programs"
    elif not os.path.exists("/sys/bus/event_source/devices/uprobe/type"):
        why = "the kernel has no uprobe PMU"
    elif subprocess.run(["which", "tmux"], capture_output=True).returncode != 0:
        why = "tmux is not installed"
    if why:
        if os.environ.get("CI") == "true":
            sys.exit(f"FAIL (CI): {why}")
        print(f"SKIP: {why}", file=sys.stderr)
        sys.exit(77)


def parse(doc):
    """[('line', text) | ('sim', command)] in document order."""
    steps, in_block = [], False
    for line in open(doc).read().splitlines():
        if in_block:
            if line.startswith("```"):
                in_block = False
            else:
                steps.append(("line", line))
        elif line.startswith("```ovsq-session"):
            in_block = True
        else:
            m = re.match(r"<!-- sim: (.*) -->$", line.strip())
            if m:
                steps.append(("sim", m.group(1)))
    return steps


class Sim:
    def __init__(self, workdir):
        self.out = os.path.join(workdir, "sim.out")
        fifo = os.path.join(workdir, "sim.in")
        os.mkfifo(fifo)
        self.proc = subprocess.Popen(f'exec "{SIM}" --ready < "{fifo}" > "{self.out}" 2>&1',
                                     shell=True)
        self.fifo = open(fifo, "w")
        self.pid = int(self.wait_for(r"^ready pid=(\d+)$").group(1))

    def text(self):
        try:
            return open(self.out).read()
        except FileNotFoundError:  # the shell has not made it yet
            return ""

    def wait_for(self, pattern, count=1):
        for _ in range(400):
            found = list(re.finditer(pattern, self.text(), re.M))
            if len(found) >= count:
                return found[-1]
            time.sleep(0.05)
        raise SystemExit(f"FAIL: the sim did not print {pattern!r}")

    def command(self, command):
        oks = self.text().count("\nok\n") + self.text().startswith("ok\n")
        self.fifo.write(command + "\n")
        self.fifo.flush()
        self.wait_for(r"^ok$", oks + 1)

    def stop(self):
        self.proc.kill()


class Terminal:
    def __init__(self, socket, command, cwd):
        self.tmux = ["tmux", "-L", socket]
        script = " ".join(f"'{a}'" for a in command)
        subprocess.run(self.tmux + ["-f", "/dev/null", "new-session", "-d", "-s", "s",
                                    "-x", "200", "-y", "60", "-c", cwd,
                                    f"{script}; echo \"[exited $?]\"; sleep 600"], check=True)
        subprocess.run(self.tmux + ["set-option", "-t", "s", "history-limit", "20000"],
                       capture_output=True)

    def screen(self):
        text = subprocess.run(self.tmux + ["capture-pane", "-p", "-J", "-S", "-", "-t", "s"],
                              capture_output=True, text=True).stdout
        lines = [line.rstrip() for line in text.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def type(self, text):
        subprocess.run(self.tmux + ["send-keys", "-t", "s", "-l", text], check=True)
        subprocess.run(self.tmux + ["send-keys", "-t", "s", "Enter"], check=True)

    def keys(self, *keys):
        subprocess.run(self.tmux + ["send-keys", "-t", "s", *keys], check=True)

    def stop(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)


def normalise(line):
    line = re.sub(r"PID \d+", "PID N", line)
    line = re.sub(r" \(/[^ )]*\), (\d+) USDT probes", r" (BINARY), \1 USDT probes", line)
    line = re.sub(r" in /[^ ,]*,", " in BINARY,", line)
    line = re.sub(r"(\[\d+\]  \S+ +)(\d+(\.\d)?s|\d+m\d\ds|\d+h\d\dm)( )", r"\1T\4", line)
    return line


def main():
    doc = sys.argv[1]
    printing = "--print" in sys.argv
    require_kernel()
    steps = parse(doc)
    workdir = tempfile.mkdtemp(prefix="ovsq-doc.")
    sim = Sim(workdir)
    term = Terminal(f"ovsq-doc-{os.getpid()}",
                    ["env", f"XDG_STATE_HOME={workdir}/state", OVSQ, "-p", str(sim.pid)],
                    workdir)
    expected = []

    def wait_screen(lines, seconds=15):
        want = [normalise(l) for l in lines]
        deadline = time.time() + seconds
        while True:
            got = [normalise(l) for l in term.screen()]
            if got[:len(want)] == want and (printing or len(got) <= len(want) + 1):
                return
            if time.time() > deadline:
                if printing:
                    return
                import difflib
                diff = "\n".join(difflib.unified_diff(want, got[:len(want) + 5], "doc", "screen",
                                                      lineterm=""))
                raise SystemExit(f"FAIL: the screen is not the transcript:\n{diff}")
            time.sleep(0.05)

    try:
        for kind, text in steps:
            if kind == "sim":
                wait_screen(expected)
                sim.command(text)
            elif text == "^C":
                wait_screen(expected)
                term.keys("C-c")
                expected.append(text)
            elif PROMPT.match(text):
                wait_screen(expected + [text[:text.index(">") + 1]])
                term.type(text[text.index(">") + 2:])
                expected.append(text)
            else:
                expected.append(text)
        wait_screen(expected)
        if printing:
            time.sleep(1)
            print("\n".join(term.screen()))
        else:
            got = [normalise(l) for l in term.screen()]
            want = [normalise(l) for l in expected]
            if got != want:
                import difflib
                sys.exit("FAIL: the screen is not the transcript:\n" + "\n".join(
                    difflib.unified_diff(want, got, "doc", "screen", lineterm="")))
    finally:
        term.stop()
        sim.stop()
        subprocess.run(["rm", "-rf", workdir])


if __name__ == "__main__":
    main()
