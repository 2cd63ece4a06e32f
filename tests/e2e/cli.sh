# The command line's non-tracing modes: --list, --version, --help and
# --emit=obj (an object libbpf can open: maps in BTF, a license).
. "$(dirname "$0")/lib.sh"

# --list: every probe of the note, whether ovsq knows it, every location.
"$OVSQ" --binary "$SIM" --list > "$TEST_DIR/list.out" 2>&1 || fail "--list failed"
[ "$(grep -c '(ovsq: ' "$TEST_DIR/list.out")" = 13 ] || fail "--list does not show the 13 catalog probes"
grep -qx 'revalidate:flow_result  (ovsq: flow_result)' "$TEST_DIR/list.out" || fail "no flow_result line"
locations=$(readelf -n "$SIM" | grep -c 'Name: flow_result')
[ "$(sed -n '/^revalidate:flow_result/,/^[a-z]/p' "$TEST_DIR/list.out" | grep -c '^    0x')" = "$locations" ] \
  || fail "--list does not show all $locations flow_result locations"
grep -q '^    0x[0-9a-f]*  8@%r[a-z0-9]* 8@%r[a-z0-9]* 4@' "$TEST_DIR/list.out" || fail "no argument specs in --list"
"$OVSQ" --binary "$SIM_SEMA" --list | grep -q '  semaphore  ' || fail "--list does not mark semaphores"
"$OVSQ" --binary "$SIM_SEED_ORDER" --list | grep -qx 'revalidate:flow_result  (ovsq: flow_result, seed patch v9 argument order)' \
  || fail "--list does not say which argument order flow_result passes"

# --version and --help.
# --version: what it was built with (as llvm-config and pkg-config tell
# this machine's build) and the kernel features found now.
feature() { if [ -e "$1" ]; then echo yes; else echo no; fi; }
if [ "$(id -u)" = 0 ]; then ring="yes"; else ring="unknown (Operation not permitted)"; fi
expected="ovsq 0.1.0
built with LLVM $("$LLVM_CONFIG" --version), libbpf $(pkg-config --modversion libbpf), libdw $(pkg-config --modversion libdw)
kernel $(uname -r): ring buffer $ring, uprobe ref_ctr_offset $(feature /sys/bus/event_source/devices/uprobe/format/ref_ctr_offset), BTF $(feature /sys/kernel/btf/vmlinux)"
[ "$("$OVSQ" --version)" = "$expected" ] || fail "--version: $("$OVSQ" --version), expected $expected"
"$OVSQ" --help | grep -q -- '--emit' || fail "--help does not describe --emit"

# --emit=obj -o FILE: a BPF ELF with BTF-described maps and a license.
"$OVSQ" --binary "$SIM" --emit=obj -o "$TEST_DIR/q.o" \
  -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid' || fail "--emit=obj failed"
readelf -h "$TEST_DIR/q.o" | grep -q 'Linux BPF' || fail "not a BPF object"
for section in .maps .BTF .BTF.ext license uprobe; do
  readelf -S -W "$TEST_DIR/q.o" | grep -q " $section " || fail "no $section section"
done
# --emit=asm shows the argument read compiled in: no map lookup per hit
# before the predicate (helper 1 is bpf_map_lookup_elem).
"$OVSQ" --binary "$SIM" --emit=asm -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid' > "$TEST_DIR/q.s"
sed -n '/^c0_flow_result_0:/,/call 131/p' "$TEST_DIR/q.s" | grep -q 'call 1$' && fail "a helper call before the ring buffer reserve"
grep -q 'call 131' "$TEST_DIR/q.s" || fail "no bpf_ringbuf_reserve"
# The benchmark's queries (bench/) stay valid as the language moves.
for query in "$SOURCE_ROOT"/bench/workloads/ovsq/*.ovsq; do
  "$OVSQ" --binary "$SIM" --emit=obj -o /dev/null "$query" || fail "bench query $query does not compile"
done
echo "ok: cli"
