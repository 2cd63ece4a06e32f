#pragma once
// The abstract syntax tree.  The parser builds it untyped; frontend/sema
// fills in Expr::type and Expr::binding, and after that codegen reads only
// the typed tree.
//
// Grammar of this slice (docs/language.md has the full text):
//   program := clause+
//   clause  := 'on' probe (',' probe)* ['where' expr] action
//   action  := 'print' print_item (',' print_item)*
//   print_item := expr
// Later statements (printf, aggregations, map assignment, delete, exit,
// blocks) become new Stmt alternatives; later clause kinds (begin, end,
// every) become new Clause::Kind values.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "frontend/source.h"
#include "probes/catalog.h"
#include "probes/types.h"

namespace ovsq::frontend {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// ---- expressions -------------------------------------------------------

struct IntLiteral {
  uint64_t value = 0;
};

// A bare name: a probe argument or derived field (ufid), an enum constant
// or (later) a builtin.  Sema decides which and records it in
// Expr::binding.
struct Identifier {
  std::string name;
};

// base->member (arrow) or base.member.
struct MemberAccess {
  ExprPtr base;
  std::string member;
  SourceLoc member_loc;
  bool arrow = true;
};

enum class UnaryOp { Not, Negate, BitNot };

enum class BinaryOp {
  // in order of increasing precedence groups
  LogicalOr, LogicalAnd,
  BitOr, BitXor, BitAnd,
  Eq, Ne,
  Lt, Le, Gt, Ge,
  Shl, Shr,
  Add, Sub,
  Mul, Div, Mod,
};

struct Unary {
  UnaryOp op;
  ExprPtr operand;
};

struct Binary {
  BinaryOp op;
  ExprPtr lhs;
  ExprPtr rhs;
};

const char* spelling(UnaryOp op);   // "!", "-", "~"
const char* spelling(BinaryOp op);  // "||", "&&", "==", ...

// ---- types (filled in by sema) ----------------------------------------

// What a value is once sema has typed it.
struct ValueType {
  enum class Kind {
    Unknown,    // not yet typed
    Integer,    // size 1/2/4/8, is_signed
    Bool,       // result of comparisons and logic; 0 or 1 in a register
    Enum,       // c_type is the enum; size 1/2/4/8
    Pointer,    // c_type is the pointer type; printed as hex
    Ufid,       // 128-bit flow id, printed as ufid:xxxxxxxx-...
    Aggregate,  // a struct/union in target memory: only ->/. may follow
  };
  Kind kind = Kind::Unknown;
  uint32_t size = 0;
  bool is_signed = false;
  probes::TypeRef c_type = nullptr;  // DWARF type where there is one

  bool is_scalar() const {
    return kind == Kind::Integer || kind == Kind::Bool || kind == Kind::Enum ||
           kind == Kind::Pointer;
  }
};

// Where one probe of a clause finds a field: its argument, and for a
// derived field (ufid) the member of the struct that argument points to.
struct FieldSource {
  int arg_index = -1;
  bool derived = false;
  uint64_t member_offset = 0;      // derived: offset of the member
  bool member_is_pointer = false;  // derived: the member points to the value
};

// What a name or member access reads, as sema resolved it.
struct Binding {
  enum class Kind {
    None,
    ProbeArg,      // per_probe[i].arg_index: argument of the clause's probe i
    DerivedUfid,   // per_probe[i]: ukey->ufid (inline) or *put->ufid
    EnumConstant,  // constant
    Member,        // MemberAccess: field at `offset` of the base
  };
  Kind kind = Kind::None;
  int64_t constant = 0;
  uint64_t offset = 0;
  // ProbeArg and DerivedUfid: one entry per probe of the clause, in the
  // order of Clause::probes (the same name can sit at different argument
  // positions, or behind a pointer in one probe and inline in another).
  std::vector<FieldSource> per_probe;
};

struct Expr {
  SourceLoc loc;
  std::variant<IntLiteral, Identifier, MemberAccess, Unary, Binary> node;
  ValueType type;    // sema
  Binding binding;   // sema (Identifier and MemberAccess)

  template <typename T> T* as() { return std::get_if<T>(&node); }
  template <typename T> const T* as() const { return std::get_if<T>(&node); }
};

// ---- statements --------------------------------------------------------

struct PrintItem {
  ExprPtr expr;
  std::string header;  // column header: the expression's source text
};

struct PrintStmt {
  SourceLoc loc;
  std::vector<PrintItem> items;
};

using Stmt = std::variant<PrintStmt>;

// ---- clauses -----------------------------------------------------------

struct ProbeRef {
  std::string name;  // as written: "flow_result" or "revalidate:flow_result"
  SourceLoc loc;
  // sema: the catalog entry and the binary's note for this probe
  const probes::CatalogProbe* catalog = nullptr;
  const probes::UsdtProbe* usdt = nullptr;
};

struct Clause {
  SourceLoc loc;
  std::vector<ProbeRef> probes;
  ExprPtr predicate;  // may be null
  std::vector<Stmt> actions;
};

struct Program {
  std::vector<Clause> clauses;
};

// Renders the tree as an indented S-expression (for --emit=ast and golden
// tests), with types once sema has run.
std::string dump(const Program& program);

}  // namespace ovsq::frontend
