#pragma once
// printf format strings, parsed once at compile time so that a wrong
// conversion or argument count is a diagnostic, not garbled output.  Each
// conversion is parsed by support/printf_conversion.h; its result travels
// in the typed AST (FormatPiece) to codegen and the runtime.  "%%" is a
// literal '%'.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/printf_conversion.h"

namespace ovsq::frontend {

struct FormatConversion {
  std::string literal;        // text before the conversion, "%%" unescaped
  bool has_conversion = false;  // false: trailing literal text only
  PrintfConversion spec;
  uint32_t offset = 0;        // of the '%' in the format
  uint32_t length = 0;        // of the whole conversion in the format
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
