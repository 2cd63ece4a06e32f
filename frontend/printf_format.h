#pragma once
// printf format strings, parsed once at compile time so that a wrong
// conversion or argument count is a diagnostic, not garbled output.
//
// A conversion is %[flags][width][.precision][length]letter with flags
// from "-+ #0", length modifiers (hh h l ll z j t) accepted and ignored
// (every value is 64-bit), and letters d i u x X o c s p; "%%" is a
// literal '%'.  Widths and precisions are numbers ('*' is not supported).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::frontend {

struct FormatConversion {
  std::string literal;      // text before the conversion, "%%" unescaped
  char letter = 0;          // 0: no conversion (trailing literal text)
  std::string conversion;   // "%-8s", length modifiers dropped
  uint32_t offset = 0;      // of the '%' in the format
  uint32_t length = 0;      // of the whole conversion in the format
};

struct FormatError {
  uint32_t offset = 0;  // in the format
  uint32_t length = 1;
  std::string conversion;  // the offending text, e.g. "%q" or "%"
};

// Splits `format` into conversions.  Returns false and fills `error` at the
// first unknown or unfinished conversion.
bool parse_format(std::string_view format, std::vector<FormatConversion>& out,
                  FormatError& error);

}  // namespace ovsq::frontend
