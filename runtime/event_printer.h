#pragma once
// Turns raw events (the wire format in bpf_program.h) into aligned text rows.
//
// Rows stream out as events arrive, so widths cannot be measured from the
// data: every column gets a fixed width from its kind and size (a String's
// is its size; never narrower than its header), columns are separated by
// two spaces, numbers are right-aligned, text is left-aligned, and the last
// column is not padded on the right.  A value wider than its column is
// printed in full.
//
// With one row layout the output is a header line, then one line per event.
//
// With several row layouts (one per clause) the rows interleave and no
// single header fits them all, so every line starts with a label column
// naming the clause (EventLayout::label, or "#<id>" when empty): the output
// begins with one header line per row layout, in layout order, each
// starting with its label, and every row starts with its layout's label.  A
// row is then read against the header line that has the same label, and
// `grep label` keeps one table.
//
// Printf layouts (EventLayout::is_printf) have no header and no label: each
// event writes its text verbatim (runtime/value_format.h), newline only if
// the text has one.  They do not count as row layouts: one row layout plus
// printf layouts prints its rows as a single-layout program does.  The
// `exit` event (kExitEventId) prints nothing.
//
// Values read as runtime/value_format.h describes.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/layout_index.h"
#include "runtime/value_format.h"

namespace ovsq::runtime {

// The width a column gets: from its kind and size, at least its header.
size_t column_width(const Column& column);

class EventPrinter {
 public:
  explicit EventPrinter(const std::vector<EventLayout>& layouts);

  // Writes the header line(s).
  void print_header(std::ostream& out);

  // Writes one row (or printf text) for one event.  Returns false, writing
  // nothing, when the event is malformed: shorter than its layout, or an
  // unknown layout id.  The exit event is accepted and prints nothing.
  bool print_event(std::span<const uint8_t> event, std::ostream& out);

 private:
  struct PreparedColumn {
    Column column;
    size_t width = 0;
    bool right_aligned = false;
  };
  // What the text form adds to each layout, by id.
  struct TextLayout {
    std::string label;  // empty when there is at most one row layout
    std::vector<PreparedColumn> columns;
  };

  void append_cell(std::string_view text, size_t width, bool right_aligned,
                   bool last);

  LayoutIndex index_;
  std::vector<TextLayout> text_;  // indexed by EventLayout::id
  size_t label_width_ = 0;
  std::string line_;   // reused for every row
  std::string value_;  // one formatted value
};

}  // namespace ovsq::runtime
