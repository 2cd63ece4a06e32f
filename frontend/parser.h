#pragma once
// Query text -> untyped AST, with a PEGTL grammar (frontend/grammar.h).
#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace ovsq::frontend {

// Parses `source`.  On a syntax error, records one diagnostic (at the
// furthest point the parser reached, saying what was expected there) and
// returns an empty Program.  A query of only blanks and comments is an
// EmptyProgram error.  Syntax errors say "expected X after Y" at the token
// where X was missing; at the end of input the caret goes just after the
// last token.
Program parse(const Source& source, Diagnostics& diagnostics);

// True when `source` fails to parse only because it ends too early: an
// unclosed '{', a trailing operator or comma, `on x` with nothing after
// it.  The session reads another line for such a program instead of
// reporting the error.
bool needs_more_input(const Source& source);

}  // namespace ovsq::frontend
