#include "session/input.h"

#include "frontend/parser.h"
#include "frontend/source.h"

namespace ovsq::session {
namespace {

bool is_blank(std::string_view text) {
  // Blanks and comments only.
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                           text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

}  // namespace

Input classify_input(std::string_view pending, std::string_view line) {
  Input input;
  if (pending.empty()) {
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '.') {
      input.kind = InputKind::Command;
      input.text = std::string(line.substr(first));
      return input;
    }
  }
  std::string text = std::string(pending) + std::string(line);
  if (is_blank(text)) return input;  // Blank
  std::string_view body = trim_right(text);
  if (body.size() >= 1 && body.back() == '&' &&
      (body.size() == 1 || body[body.size() - 2] != '&')) {
    body.remove_suffix(1);
    input.background = true;
    input.text = std::string(trim_right(body));
    input.kind = InputKind::Query;
    return input;
  }
  input.text = text;
  input.kind = frontend::needs_more_input({"<session>", text}) ? InputKind::Unfinished
                                                               : InputKind::Query;
  return input;
}

}  // namespace ovsq::session
