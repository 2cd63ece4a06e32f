#include "support/printf_conversion.h"

#include <algorithm>

namespace ovsq {

PrintfParse parse_printf_conversion(std::string_view text) {
  PrintfParse result;
  PrintfConversion& c = result.conversion;
  size_t i = 1;  // after the '%'
  auto at = [&](size_t k) { return k < text.size() ? text[k] : '\0'; };
  auto is_digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  std::string written = "%";
  for (;; ++i) {
    char ch = at(i);
    if (ch == '-') c.minus = true;
    else if (ch == '+') c.plus = true;
    else if (ch == ' ') c.space = true;
    else if (ch == '#') c.hash = true;
    else if (ch == '0') c.zero = true;
    else break;
    written += ch;
  }
  auto number = [&](int& value) {
    long v = 0;
    while (is_digit(at(i))) {
      v = std::min<long>(v * 10 + (at(i) - '0'), kMaxPrintfWidth);
      written += at(i++);
    }
    value = static_cast<int>(v);
  };
  if (is_digit(at(i))) number(c.width);
  if (at(i) == '.') {
    written += at(i++);
    number(c.precision);
  }
  while (at(i) != '\0' && std::string_view("hlzjt").find(at(i)) != std::string_view::npos)
    ++i;
  char letter = at(i);
  if (letter == '\0' || std::string_view("diuxXocsp").find(letter) == std::string_view::npos) {
    result.length = letter ? i + 1 : i;
    return result;
  }
  c.letter = letter;
  c.text = written + letter;
  result.ok = true;
  result.length = i + 1;
  return result;
}

}  // namespace ovsq
