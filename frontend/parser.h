#pragma once
// Query text -> untyped AST, with a PEGTL grammar (frontend/grammar.h).
#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace ovsq::frontend {

// Parses `source`.  On a syntax error, records one diagnostic (at the
// furthest point the parser reached, saying what was expected there) and
// returns an empty Program.
Program parse(const Source& source, Diagnostics& diagnostics);

}  // namespace ovsq::frontend
