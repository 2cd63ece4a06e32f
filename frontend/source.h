#pragma once
// Query text and positions in it.
#include <cstdint>
#include <string>
#include <string_view>

namespace ovsq::frontend {

// A span of source text.  Lines and columns are 1-based; `length` is in
// bytes and at least 1 so a caret can always be drawn.
struct SourceLoc {
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t offset = 0;
  uint32_t length = 1;
};

struct Source {
  std::string name;  // file path, or "<command-line>" for -e
  std::string text;
  // The text of line `line` (1-based) without its newline (or "\r\n");
  // empty past the last line.
  std::string_view line_text(uint32_t line) const;
  // The location of the `length` bytes at `offset` (length at least 1;
  // an offset at or past the end is one past the last character).
  SourceLoc loc_at(uint32_t offset, uint32_t length = 1) const;
  // The exact text a location covers (clamped to the text).
  std::string_view text_at(const SourceLoc& loc) const;
};

}  // namespace ovsq::frontend
