#pragma once
// How the session reads what was typed: a dot-command, a query (maybe
// ending in '&' for the background), or the start of a program that
// continues on the next line.  Pure functions, unit-tested.
#include <string>
#include <string_view>

namespace ovsq::session {

enum class InputKind {
  Blank,     // nothing (or only a comment): a new prompt
  Command,   // ".jobs", ".show 1"
  Query,     // a whole program
  Unfinished,  // an open '{', a trailing operator or comma, `on x` alone
};

struct Input {
  InputKind kind = InputKind::Blank;
  std::string text;         // the query without its '&'
  bool background = false;  // it ended in a lone '&'
};

// `pending` is the unfinished program so far ("" at the ovsq> prompt);
// `line` what was just typed.  A lone '&' at the end (not '&&') sends the
// query to the background, even where '&' could be a bitwise and.
Input classify_input(std::string_view pending, std::string_view line);

}  // namespace ovsq::session
