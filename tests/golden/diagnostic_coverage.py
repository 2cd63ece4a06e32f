#!/usr/bin/env python3
"""Fails when a diagnostic kind is produced by no test.

Every DIAGNOSTIC(Kind, "format") of frontend/diagnostic_kinds.def must have
its message, with each {N} standing for any text, in a golden case's
expected output (tests/golden/*.expected) or an end-to-end test
(tests/e2e/*).  tests/unit/diagnostics_test.cpp renders each kind once; this
checks that ovsq really says it somewhere a test looks.

    diagnostic_coverage.py SOURCE_ROOT
"""
import glob
import os
import re
import sys

root = sys.argv[1]
kinds = []
with open(os.path.join(root, "frontend/diagnostic_kinds.def")) as f:
    for line in f:
        m = re.match(r'DIAGNOSTIC\((\w+),\s*"(.*)"\)\s*$', line.strip())
        if m:
            kinds.append((m.group(1), m.group(2)))
if not kinds:
    sys.exit("no DIAGNOSTIC(...) lines found")

texts = []
for pattern in ("tests/golden/*.expected", "tests/e2e/*.sh", "tests/e2e/*.py"):
    for path in sorted(glob.glob(os.path.join(root, pattern))):
        with open(path, errors="replace") as f:
            texts.append(f.read())
corpus = "\n".join(texts)

missing = []
for kind, fmt in kinds:
    text = fmt.encode("ascii").decode("unicode_escape")  # the C string's text
    pieces = re.split(r"\{\d+\}", text)
    if not re.search(".*?".join(re.escape(p) for p in pieces), corpus):
        missing.append(kind)
for kind in missing:
    print(f"diagnostic {kind} is produced by no golden or e2e test", file=sys.stderr)
sys.exit(1 if missing else 0)
