#include "frontend/source.h"

#include <algorithm>

namespace ovsq::frontend {

std::string_view Source::line_text(uint32_t line) const {
  std::string_view rest = text;
  for (uint32_t i = 1; i < line; ++i) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return {};
    rest.remove_prefix(nl + 1);
  }
  rest = rest.substr(0, rest.find('\n'));
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  return rest;
}

SourceLoc Source::loc_at(uint32_t offset, uint32_t length) const {
  offset = std::min<uint32_t>(offset, text.size());
  SourceLoc loc;
  loc.offset = offset;
  loc.length = std::max<uint32_t>(length, 1);
  size_t line_start = 0;
  for (uint32_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  }
  loc.column = offset - line_start + 1;
  return loc;
}

std::string_view Source::text_at(const SourceLoc& loc) const {
  std::string_view all = text;
  if (loc.offset >= all.size()) return {};
  return all.substr(loc.offset, loc.length);
}

}  // namespace ovsq::frontend
