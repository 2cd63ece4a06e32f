#pragma once
// One printf conversion, %[flags][width][.precision][length]letter, parsed
// once: the frontend parses a query's format with it (frontend/
// printf_format.h), the parsed form travels through the typed AST and
// codegen to the runtime, which formats from it (runtime/value_format.h)
// without parsing anything again.
//
// Flags are "-+ #0"; width and precision are decimal numbers, capped at
// kMaxPrintfWidth ('*' is not supported); length modifiers (hh h l ll z j
// t) are accepted and dropped (every value is 64-bit); letters are
// d i u x X o c s p.
#include <cstddef>
#include <string>
#include <string_view>

namespace ovsq {

inline constexpr int kMaxPrintfWidth = 1000;

struct PrintfConversion {
  bool minus = false, plus = false, space = false, hash = false, zero = false;
  int width = -1, precision = -1;  // -1: none
  char letter = 's';               // 'i' is kept as written
  std::string text = "%s";         // as written, length modifiers dropped
};

struct PrintfParse {
  bool ok = false;
  // Characters read from the '%': the whole conversion, or up to and
  // including the character that does not fit (to the end when the text
  // ends first).
  size_t length = 0;
  PrintfConversion conversion;
};

// Parses the conversion at the start of `text`, which starts with '%'
// (not "%%").
PrintfParse parse_printf_conversion(std::string_view text);

}  // namespace ovsq
