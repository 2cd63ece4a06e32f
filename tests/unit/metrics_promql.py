"""Every PromQL expression docs/metrics.md shows (its indented lines after
"## Examples", comments left out) and every expression of the Grafana
dashboard in contrib/ parses: `promtool check rules` on a rules file made
of them (Grafana's $variables given values first)."""
import json
import os
import re
import subprocess
import sys
import tempfile

root = sys.argv[1]
exprs = []
with open(os.path.join(root, "docs/metrics.md")) as f:
    text = f.read()
examples = text.split("\n## Examples\n", 1)[1].split("\n## ", 1)[0]
for line in examples.splitlines():
    if line.startswith("    ") and not line.strip().startswith("#"):
        exprs.append(line.strip())
with open(os.path.join(root, "contrib/grafana/revalidator-dashboard.json")) as f:
    dashboard = json.load(f)
for panel in dashboard["panels"]:
    for target in panel["targets"]:
        exprs.append(target["expr"].replace("$__rate_interval", "5m")
                     .replace("$instance", ".*"))
if len(exprs) < 20:
    sys.exit("only %d expressions found: has the layout changed?" % len(exprs))
rules = "groups:\n  - name: docs\n    rules:\n" + "".join(
    "      - record: r%d\n        expr: %s\n" % (i, json.dumps(e))
    for i, e in enumerate(exprs))
with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
    f.write(rules)
try:
    r = subprocess.run(["promtool", "check", "rules", f.name],
                       capture_output=True, text=True)
finally:
    os.unlink(f.name)
if r.returncode != 0:
    sys.exit(r.stdout + r.stderr)
print("%d expressions parse" % len(exprs))
