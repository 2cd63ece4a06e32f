#pragma once
// Cells in aligned columns for the session's looking-around commands
// (.probes, .describe, .help): each column as wide as its widest cell,
// columns two spaces apart, chosen columns right-aligned, and no trailing
// spaces, so the text is stable to compare in tests.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace ovsq::session {

// `items` with `separator` between them.
std::string join(const std::vector<std::string>& items, const char* separator);

class TextTable {
 public:
  // `indent` starts every row.
  explicit TextTable(std::string indent = "") : indent_(std::move(indent)) {}

  void right_align(size_t column) { right_.insert(column); }
  // A row may have fewer cells than others: the missing ones are empty.
  void add_row(std::vector<std::string> cells);
  // A line printed as it is, between the rows, that does not widen any
  // column (an enum's values under its field).
  void add_line(std::string line);

  // Every row and line, each ending with a newline.
  std::string str() const;

 private:
  struct Row {
    std::vector<std::string> cells;
    bool verbatim = false;  // add_line: cells[0] is the whole line
  };
  std::string indent_;
  std::set<size_t> right_;
  std::vector<Row> rows_;
};

}  // namespace ovsq::session
