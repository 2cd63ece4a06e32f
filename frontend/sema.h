#pragma once
// Semantic analysis: binds every name in the AST against the probe
// catalog, the binary's USDT notes and its DWARF, and types every
// expression.  After a successful check() the tree is the typed AST that
// codegen lowers; it points into the notes, the debug info and this Sema
// (which owns the types it had to make up), so all three must outlive it.
#include <deque>
#include <map>
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

  // The most bytes of a flow key an event copies (--flow-key-size).
  void set_flow_key_bytes(uint32_t bytes) { flow_key_bytes_ = bytes; }

 private:
  bool bind_probes(Clause& clause);
  // Expressions (sema.cpp).
  bool check_expr(Expr& expr, const Clause& clause);
  bool check_identifier(Expr& expr, const Clause& clause);
  bool check_builtin(Expr& expr, const BuiltinInfo& builtin);
  bool check_member(Expr& expr, const Clause& clause);
  bool check_unary(Expr& expr, const Clause& clause);
  bool check_binary(Expr& expr, const Clause& clause);
  bool check_map_read(Expr& expr, const Clause& clause);
  bool check_str(Expr& expr, const Clause& clause);
  bool check_meaning(Expr& expr, const Clause& clause);
  bool require_value(const Expr& expr);
  // Flow keys and addresses (sema_flow_key.cpp).
  bool check_flow_key(Expr& expr, const Clause& clause);
  bool check_flow_key_member(Expr& expr);
  bool check_address_comparison(Expr& expr);
  std::string text(const Expr& expr) const;

  // Statements and maps (sema_statements.cpp).  Statements that write maps
  // are checked first, in program order, so that a map's key and value
  // types are known wherever it is read.
  bool check_statement(Stmt& stmt, const Clause& clause);
  bool check_print(PrintStmt& print, const Clause& clause);
  bool check_printf(PrintfStmt& printf, const Clause& clause);
  bool check_aggregate(AggregateStmt& stmt, const Clause& clause);
  bool check_assign(AssignStmt& stmt, const Clause& clause);
  bool check_delete(DeleteStmt& stmt, const Clause& clause);
  bool check_keys(std::vector<ExprPtr>& keys, const Clause& clause);
  // The map called `name`, or -1 (with a diagnostic at `loc`).
  int find_map(const std::string& name, SourceLoc loc);
  // Checks that `keys` fit map `id` (or fixes its key types at first use).
  bool match_keys(int id, const std::vector<ExprPtr>& keys, SourceLoc loc);
  // The synthetic enum type whose enumerators are the probe names.
  probes::TypeRef probe_enum();

  // The probe argument's type from DWARF, or an opaque stand-in when the
  // debug info does not describe it (a pointer to an incomplete struct).
  probes::TypeRef arg_type(const probes::CatalogArg& arg);
  ValueType value_type(probes::TypeRef type);

  const probes::UsdtNotes& notes_;
  probes::DebugInfo& debug_info_;
  Diagnostics& diagnostics_;
  std::deque<probes::Type> made_up_types_;
  probes::TypeRef probe_enum_ = nullptr;
  Program* program_ = nullptr;
  std::map<std::string, int> map_ids_;  // by MapInfo::name
  uint32_t flow_key_bytes_ = 256;
};

// How a type reads in a message: "an integer (uint32_t)", "a pointer to
// struct udpif_key", "enum flow_del_reason", "a ufid", "struct udpif_key".
std::string describe(const ValueType& type);

// The type of a ufid, IPv4, IPv6 or MAC literal.
ValueType address_literal_type(const AddressLiteral& literal);

}  // namespace ovsq::frontend
