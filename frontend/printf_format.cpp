#include "frontend/printf_format.h"

namespace ovsq::frontend {

bool parse_format(std::string_view format, std::vector<FormatConversion>& out,
                  FormatError& error) {
  FormatConversion current;
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    if (c != '%') {
      current.literal += c;
      ++i;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      current.literal += '%';
      i += 2;
      continue;
    }
    PrintfParse parsed = parse_printf_conversion(format.substr(i));
    if (!parsed.ok) {
      error.offset = uint32_t(i);
      error.length = uint32_t(parsed.length);
      error.conversion = std::string(format.substr(i, parsed.length));
      return false;
    }
    current.has_conversion = true;
    current.spec = std::move(parsed.conversion);
    current.offset = uint32_t(i);
    current.length = uint32_t(parsed.length);
    out.push_back(std::move(current));
    current = FormatConversion();
    i += parsed.length;
  }
  if (!current.literal.empty()) out.push_back(std::move(current));
  return true;
}

}  // namespace ovsq::frontend
