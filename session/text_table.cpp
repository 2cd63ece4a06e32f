#include "session/text_table.h"

#include <algorithm>

namespace ovsq::session {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void TextTable::add_row(std::vector<std::string> cells) {
  rows_.push_back(Row{std::move(cells), false});
}

void TextTable::add_line(std::string line) {
  rows_.push_back(Row{{std::move(line)}, true});
}

std::string TextTable::str() const {
  std::vector<size_t> widths;
  for (const Row& row : rows_) {
    if (row.verbatim) continue;
    if (widths.size() < row.cells.size()) widths.resize(row.cells.size());
    for (size_t i = 0; i < row.cells.size(); ++i)
      widths[i] = std::max(widths[i], row.cells[i].size());
  }
  std::string out;
  for (const Row& row : rows_) {
    if (row.verbatim) {
      out += row.cells[0] + "\n";
      continue;
    }
    std::string line = indent_;
    // Cells after the last non-empty one add nothing, not even padding.
    size_t used = row.cells.size();
    while (used > 0 && row.cells[used - 1].empty() && !right_.count(used - 1))
      --used;
    for (size_t i = 0; i < used; ++i) {
      const std::string& cell = row.cells[i];
      std::string pad(widths[i] - cell.size(), ' ');
      if (i > 0) line += "  ";
      line += right_.count(i) ? pad + cell : cell + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace ovsq::session
