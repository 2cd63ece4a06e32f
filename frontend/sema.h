#pragma once
// Semantic analysis: binds every name in the AST against the probe
// catalog, the binary's USDT notes and its DWARF, and types every
// expression.  After a successful check() the tree is the typed AST that
// codegen lowers; it points into the notes, the debug info and this Sema
// (which owns the types it had to make up), so all three must outlive it.
#include <deque>
#include <string>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "probes/debug_info.h"
#include "probes/usdt_notes.h"

namespace ovsq::frontend {

class Sema {
 public:
  Sema(const probes::UsdtNotes& notes, probes::DebugInfo& debug_info,
       Diagnostics& diagnostics)
      : notes_(notes), debug_info_(debug_info), diagnostics_(diagnostics) {}

  // Returns false (with diagnostics recorded) when the program is wrong.
  bool check(Program& program);

 private:
  bool bind_probes(Clause& clause);
  bool check_expr(Expr& expr, const Clause& clause);
  bool check_identifier(Expr& expr, const Clause& clause);
  bool check_member(Expr& expr, const Clause& clause);
  bool check_unary(Expr& expr, const Clause& clause);
  bool check_binary(Expr& expr, const Clause& clause);
  bool require_value(const Expr& expr);

  // The probe argument's type from DWARF, or an opaque stand-in when the
  // debug info does not describe it (a pointer to an incomplete struct).
  probes::TypeRef arg_type(const probes::CatalogArg& arg);
  ValueType value_type(probes::TypeRef type);

  const probes::UsdtNotes& notes_;
  probes::DebugInfo& debug_info_;
  Diagnostics& diagnostics_;
  std::deque<probes::Type> made_up_types_;
};

// How a type reads in a message: "an integer (uint32_t)", "a pointer to
// struct udpif_key", "enum flow_del_reason", "a ufid", "struct udpif_key".
std::string describe(const ValueType& type);

}  // namespace ovsq::frontend
