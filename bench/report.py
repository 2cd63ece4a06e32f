"""Medians and markdown tables."""
import statistics


class Section:
    """What a measurement hands back: a title, tables and notes."""

    def __init__(self, title):
        self.title = title
        self.parts = []        # markdown chunks

    def note(self, text):
        self.parts.append(text)

    def table(self, headers, rows):
        self.parts.append(md_table(headers, rows))

    def markdown(self):
        return "## %s\n\n%s\n" % (self.title, "\n\n".join(self.parts))


def md_table(headers, rows):
    """A markdown table, columns padded so that it also reads as text."""
    rows = [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows])
              for i, h in enumerate(headers)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) \
            + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


class Samples:
    """The values of one cell over the repetitions, and why any failed."""

    def __init__(self):
        self.values = []
        self.errors = []

    def add(self, value):
        if value is not None:
            self.values.append(value)

    def fail(self, why):
        self.errors.append(str(why))

    def median(self):
        return statistics.median(self.values) if self.values else None

    def cell(self, fmt="%.1f"):
        """The median; `error: why` when every repetition failed; the
        number of failures next to the median when only some did."""
        if not self.values:
            return "error: %s" % self.errors[0] if self.errors else "-"
        text = fmt % self.median()
        if self.errors:
            text += " (%d failed: %s)" % (len(self.errors), self.errors[0])
        return text


def ratio(a, b, fmt="%.2f×"):
    if a is None or b is None or b == 0:
        return "-"
    return fmt % (a / b)
