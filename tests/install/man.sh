# The man pages built from docs/ (docs/man/md2man.py): they render without
# a troff error, ovsq(1)'s OPTIONS are exactly the options of `ovsq
# --help`, its SESSION COMMANDS has every command of the session's own
# .help, and ovsq-language(7) carries docs/language.md's sections.
. "$(dirname "$0")/../e2e/lib.sh"

render() {  # render PAGE: plain text, 80 columns; troff's complaints in $TEST_DIR/warnings
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -P cat -l "$1" 2> "$TEST_DIR/warnings" | LC_ALL=C.UTF-8 col -bx
}
for page in "$MAN1" "$MAN7"; do
  render "$page" > "$TEST_DIR/page.txt" || fail "man cannot render $page"
  # Narrow table columns may not fill or break a line; nothing else is allowed.
  grep -v "can't break line\|cannot adjust line" "$TEST_DIR/warnings" > "$TEST_DIR/other.err"
  [ -s "$TEST_DIR/other.err" ] && fail "troff warns on $page: $(cat "$TEST_DIR/other.err")"
done

# The section of a rendered page headed $2: its lines up to the next heading.
section() { sed -n "/^$2\$/,/^[A-Z]/{/^[A-Z]/!p}" "$1"; }

render "$MAN1" > "$TEST_DIR/ovsq.1.txt"
head -1 "$TEST_DIR/ovsq.1.txt" | grep -q '^OVSQ(1) ' || fail "not ovsq(1): $(head -1 "$TEST_DIR/ovsq.1.txt")"
for heading in NAME SYNOPSIS DESCRIPTION OPTIONS 'SESSION COMMANDS' 'EXIT STATUS' ENVIRONMENT FILES EXAMPLES 'SEE ALSO'; do
  grep -qx "$heading" "$TEST_DIR/ovsq.1.txt" || fail "ovsq(1) has no $heading section"
done

# Every option of --help (the column before the descriptions), and no other.
"$OVSQ" --help | sed -n 's/^  \(-[^ ]*\( \[ --[^ ]* \]\)\{0,1\}\).*/\1/p' \
  | grep -o -- '--\{0,1\}[a-z][a-z-]*' | grep '^-' | sort > "$TEST_DIR/help-options"
[ "$(wc -l < "$TEST_DIR/help-options")" -ge 20 ] || fail "too few options in --help: $(cat "$TEST_DIR/help-options")"
# An option's entry: its names at the margin, its description indented below.
section "$TEST_DIR/ovsq.1.txt" OPTIONS | awk '/^       -/ { tag = $0; next } /^              [^ ]/ && tag { print tag } { tag = "" }' \
  | grep -o -- '--\{0,1\}[a-z][a-z-]*' | grep '^-' | sort > "$TEST_DIR/man-options"
diff -u "$TEST_DIR/help-options" "$TEST_DIR/man-options" >&2 \
  || fail "ovsq(1)'s OPTIONS differ from ovsq --help's options (-: only in --help)"

# Every command of the session's table (as .help lists it) is a row of
# SESSION COMMANDS.
printf '.help\n' | "$OVSQ" -i --binary "$SIM" 2> /dev/null | sed -n 's/^  \(\.[a-z]*\).*/\1/p' \
  | sort > "$TEST_DIR/commands"
[ "$(wc -l < "$TEST_DIR/commands")" -ge 10 ] || fail "too few commands in .help: $(cat "$TEST_DIR/commands")"
section "$TEST_DIR/ovsq.1.txt" 'SESSION COMMANDS' | sed -n 's/^ *│\(\.[a-z]*\).*/\1/p' \
  | sort > "$TEST_DIR/man-commands"
diff -u "$TEST_DIR/commands" "$TEST_DIR/man-commands" >&2 \
  || fail "ovsq(1)'s SESSION COMMANDS differ from the session's .help (-: only in .help)"

# ovsq-language(7): each "## " section of docs/language.md, by name.
render "$MAN7" > "$TEST_DIR/language.txt"
head -1 "$TEST_DIR/language.txt" | grep -q '^OVSQ-LANGUAGE(7) ' || fail "not ovsq-language(7)"
sed -n 's/^## //p' "$SOURCE_ROOT/docs/language.md" | tr '[:lower:]' '[:upper:]' > "$TEST_DIR/doc-sections"
grep -E '^[A-Z][A-Z ]+$' "$TEST_DIR/language.txt" | grep -vx 'NAME\|DESCRIPTION' > "$TEST_DIR/man-sections"
diff -u "$TEST_DIR/doc-sections" "$TEST_DIR/man-sections" >&2 \
  || fail "ovsq-language(7)'s sections differ from docs/language.md's"
echo "ok: man pages"
