#!/usr/bin/env python3
"""Writes a man page (roff, with tbl tables) from one of docs/*.md.

Only the Markdown docs/ uses: headings, paragraphs, indented and fenced
code, "- " lists (a table may sit in an item), pipe tables, `code`,
**bold**, *emphasis* and [links](...).  Three directives, each an HTML
comment alone on a line (so the page reads plainly as Markdown too):

  <!-- options -->          the options of `ovsq --help` (--ovsq PATH)
  <!-- table FILE WORD -->  the table of docs/FILE whose first heading is WORD
  <!-- examples -->         each examples/*.ovsq (--examples DIR) with its
                            first comment

so that ovsq(1) carries ovsq's own option list and the session's command
table, never a copy that drifts.  The page's first "# Title" is dropped:
the NAME line comes from --name and --summary.
"""
import argparse
import os
import re
import subprocess
import sys


def escape(text, code=False):
    """Text for roff: backslashes, and in code minus signs, not hyphens."""
    text = text.replace("\\", "\\e")
    if code:
        text = text.replace("-", "\\-").replace("'", "\\(aq")
    return text


def inline(text):
    """One paragraph's Markdown inlines as roff."""
    out = []
    # `code` first: nothing inside it is Markdown.
    for i, part in enumerate(re.split(r"(`[^`]*`)", text)):
        if i % 2 == 1:
            out.append("\\fB" + escape(part[1:-1], code=True) + "\\fR")
            continue
        part = escape(part)
        part = re.sub(r"\[([^\]]+)\]\(([^)]+)\)",
                      lambda m: m.group(1) if m.group(1) == m.group(2)
                      or m.group(2).endswith(".md") else
                      m.group(1) + " (" + m.group(2) + ")", part)
        part = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", part)
        part = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\fI\1\\fR", part)
        out.append(part)
    return "".join(out)


def line_safe(line):
    """A roff text line must not start with a control character."""
    return "\\&" + line if line.startswith((".", "'")) else line


def split_row(line):
    """The cells of a pipe-table row; a | inside `code` is not a separator."""
    cells, cell, in_code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    cells.append(cell.strip())
    return cells


def table(rows):
    head, body = rows[0], [r for r in rows[1:] if not re.match(r"^[\s|:-]+$", "|".join(r))]
    n = len(head)
    # Left-adjusted and unhyphenated: table columns are narrow.
    out = [".ad l", ".nh", ".TS", "allbox;", " ".join(["lb"] * n), " ".join(["l"] * (n - 1) + ["lx"]) + "."]
    # Only columns of long sentences are text blocks (which wrap); the
    # others keep their width, so a long name is never broken.
    rows = [(row + [""] * n)[:n] for row in [head] + body]
    wraps = [any(len(row[c]) > 30 and " " in row[c] for row in rows) for c in range(n)]
    # Too wide for 80 columns once each column has its longest unbreakable
    # part: a list instead, the first cell the tag, the others labelled.
    def narrowest(c):
        return max(len(w) for row in rows for w in (row[c].split() if wraps[c] else [row[c]]))
    if sum(narrowest(c) for c in range(n)) + 3 * n > 70:
        out = []
        for row in rows[1:]:
            out += [".TP", line_safe(inline(row[0])),
                    line_safe("; ".join(inline(head[c]) + ": " + inline(row[c])
                                        for c in range(1, n)))]
        return out
    for row in rows:
        out.append("\t".join("T{\n" + line_safe(inline(c)) + "\nT}" if wraps[k]
                             else inline(c) for k, c in enumerate(row)))
    out += [".TE", ".hy", ".ad", ".sp"]
    return out


def code_block(lines):
    return [".PP", ".RS 4", ".nf"] + [line_safe(escape(l, code=True)) for l in lines] + [".fi", ".RE"]


def options_of(ovsq):
    """The options `ovsq --help` prints (Boost.ProgramOptions' layout): an
    option line starts with two blanks and a dash, its description after a
    run of blanks; longer descriptions go on in more-indented lines."""
    help_text = subprocess.run([ovsq, "--help"], check=True, capture_output=True,
                               text=True).stdout
    entries = []
    for line in help_text.splitlines():
        m = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if m:
            entries.append([m.group(1), (m.group(2) or "").strip()])
        elif entries and line.startswith("   ") and line.strip():
            entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
    if not entries:
        sys.exit("md2man: no options found in `%s --help`" % ovsq)
    out = []
    for spec, description in entries:
        # "-e [ --expr ] arg" -> "-e, --expr arg"
        names = re.sub(r"\[ (--\S+) \]", r", \1", spec).replace(" ,", ",")
        words = [("\\fB" + escape(w, code=True) + "\\fR") if w.startswith("-")
                 else ("\\fI" + escape(w) + "\\fR") for w in names.split()]
        out += [".TP", " ".join(words), line_safe(inline(description.strip()))]
    return out


def examples_of(directory):
    out = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".ovsq"):
            continue
        comment = []
        with open(os.path.join(directory, name)) as f:
            for line in f:
                if line.startswith("#!"):
                    continue
                if not line.startswith("#") or not line[1:].strip():
                    break  # the first paragraph of the comment says what it does
                comment.append(line[1:].strip())
        out += [".TP", "\\fB" + escape(name, code=True) + "\\fR",
                line_safe(inline(" ".join(comment)))]
    return out


def table_from(path, word):
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("|") and split_row(line)[0] == word:
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            return table(rows)
    sys.exit("md2man: no table headed '%s' in %s" % (word, path))


def convert(lines, args, here):
    out, para = [], []
    i = 0

    def flush():
        # Text before the first heading is the page's description.
        if para and not any(l.startswith(".SH") for l in out):
            out.append(".SH DESCRIPTION")
        if para:
            out.extend([".PP", line_safe(inline(" ".join(para)))])
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        directive = re.match(r"^<!-- (\w+)(.*?) -->$", stripped)
        if directive:
            flush()
            kind, rest = directive.group(1), directive.group(2).split()
            if kind == "options":
                out += options_of(args.ovsq)
            elif kind == "examples":
                out += examples_of(args.examples)
            elif kind == "table":
                out += table_from(os.path.join(here, rest[0]), rest[1])
            else:
                sys.exit("md2man: unknown directive " + stripped)
            i += 1
        elif stripped.startswith("<!--"):
            flush()  # a comment to the Markdown's reader
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
        elif not stripped:
            flush()
            i += 1
        elif line.startswith("# "):
            flush()  # the title: NAME replaces it
            i += 1
        elif line.startswith("## ") or line.startswith("### "):
            flush()
            macro = ".SH" if line.startswith("## ") else ".SS"
            title = stripped.lstrip("#").strip()
            out.append(macro + " " + (title.upper() if macro == ".SH" else title))
            i += 1
        elif stripped.startswith("```"):
            flush()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            out += code_block(lines[i + 1:j])
            i = j + 1
        elif line.startswith("    ") and not para:
            flush()
            block = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i][4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += code_block(block)
        elif stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            out += table(rows)
        elif re.match(r"^- ", line):
            flush()
            item = [line[2:].strip()]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip() \
                    and not lines[i].strip().startswith("|"):
                item.append(lines[i].strip())
                i += 1
            out += [".IP \\(bu 2", line_safe(inline(" ".join(item)))]
        else:
            para.append(stripped)
            i += 1
    flush()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--name", required=True)
    parser.add_argument("--section", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--ovsq")
    parser.add_argument("--examples")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    with open(args.source) as f:
        lines = f.read().splitlines()
    manual = "User Commands" if args.section == "1" else "Miscellaneous Information Manual"
    page = ["'\\\" t",
            ".\\\" Generated by docs/man/md2man.py from %s; edit that instead."
            % os.path.basename(args.source),
            '.TH %s %s "" "ovsq %s" "%s"' % (args.name.upper(), args.section,
                                             args.version, manual),
            ".SH NAME",
            "%s \\- %s" % (escape(args.name, code=True), args.summary)]
    page += convert(lines, args, os.path.dirname(os.path.abspath(args.source)))
    with open(args.output, "w") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
