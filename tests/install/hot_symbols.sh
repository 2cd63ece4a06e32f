# The functions a run of ovsq executes lie together in its code, as
# driver/hot-symbols.txt lists them (driver/meson.build says why): nine in
# ten listed are in the binary (fewer: the list is stale, and
# scripts/hot-symbols.sh writes it anew), and those found span at most a
# fifth more than their own size (GNU ld, which cannot order them, spreads
# them over three times their size).
set -euo pipefail
python3 - "$OVSQ" "$SOURCE_ROOT/driver/hot-symbols.txt" <<'PY'
import subprocess, sys
binary, listing = sys.argv[1:]
wanted = [line.strip() for line in open(listing) if line.strip()]
functions = {}
nm = subprocess.run(["nm", "-S", "--defined-only", binary],
                    capture_output=True, text=True, check=True).stdout
for line in nm.splitlines():
    fields = line.split()
    if len(fields) == 4 and fields[2] in "tTwW":
        functions[fields[3]] = (int(fields[0], 16), int(fields[1], 16))
found = [functions[name] for name in wanted if name in functions]
code = {address: size for address, size in found}  # aliases counted once
size = sum(code.values())
span = max(a + s for a, s in code.items()) - min(code)
print(f"{len(found)} of {len(wanted)} listed functions found; "
      f"{size / 1e6:.2f} MB of code spanning {span / 1e6:.2f} MB", file=sys.stderr)
if len(found) < 0.9 * len(wanted):
    sys.exit("FAIL: driver/hot-symbols.txt is stale: run scripts/hot-symbols.sh")
if span > 1.2 * size:
    sys.exit("FAIL: the listed functions are not placed together")
PY
echo "ok: hot-symbols"
