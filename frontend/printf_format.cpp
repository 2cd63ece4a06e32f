#include "frontend/printf_format.h"

#include <cctype>

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
    size_t start = i++;
    std::string spec = "%";
    while (i < format.size() &&
           std::string_view("-+ #0").find(format[i]) != std::string_view::npos)
      spec += format[i++];
    while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])))
      spec += format[i++];
    if (i < format.size() && format[i] == '.') {
      spec += format[i++];
      while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])))
        spec += format[i++];
    }
    while (i < format.size() &&
           std::string_view("hlzjt").find(format[i]) != std::string_view::npos)
      ++i;
    char letter = i < format.size() ? format[i] : 0;
    if (letter == 0 ||
        std::string_view("diuxXocsp").find(letter) == std::string_view::npos) {
      error.offset = uint32_t(start);
      error.length = uint32_t((letter ? i + 1 : i) - start);
      error.conversion = std::string(format.substr(start, error.length));
      return false;
    }
    ++i;
    current.letter = letter;
    current.conversion = spec + letter;
    current.offset = uint32_t(start);
    current.length = uint32_t(i - start);
    out.push_back(std::move(current));
    current = FormatConversion();
  }
  if (!current.literal.empty()) out.push_back(std::move(current));
  return true;
}

}  // namespace ovsq::frontend
