#include "frontend/ast.h"

#include <type_traits>

// The dump format (for --emit=ast and golden tests).  Structural nodes are
// one per line with a 2-space indent; each expression is written on one
// line as a nested S-expression; closing parentheses gather at the end of
// the last line, Lisp style:
//
//   (program
//     (clause
//       (probes flow_result revalidate:flow_result)
//       (where
//         (== (ident reason) (ident FDR_FLOW_IDLE)))
//       (print
//         (ident ufid)
//         (-> (ident ukey) key_len))))
//
// Expressions:
//   (int 42)             integer literal, in decimal
//   (ident name)         a name (sema has not resolved it to a constant)
//   (enum NAME = 3)      a name sema bound to an enum constant
//   (-> base member)     member access through a pointer
//   (. base member)      member access
//   (! x) (- x) (~ x)    unary operators (`not x` is written `!`)
//   (op lhs rhs)         binary operators, by spelling(); `and`/`or` are
//                        written `&&`/`||`
// Once sema has typed an expression its type follows the node as
// ` : <type>`, where <type> is u8..u64 or s8..s64, bool, enum <name>,
// ptr <C type>, ufid, or aggregate <C type>:
//   (== (ident reason) : enum flow_del_reason (enum FDR_FLOW_IDLE = 3) : enum flow_del_reason) : bool
// A program without clauses is `(program)`; a clause without a predicate
// has no (where ...) line.  The dump ends with a newline.

namespace ovsq::frontend {

const char* spelling(UnaryOp op) {
  switch (op) {
    case UnaryOp::Not: return "!";
    case UnaryOp::Negate: return "-";
    case UnaryOp::BitNot: return "~";
  }
  return "?";
}

const char* spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::LogicalOr: return "||";
    case BinaryOp::LogicalAnd: return "&&";
    case BinaryOp::BitOr: return "|";
    case BinaryOp::BitXor: return "^";
    case BinaryOp::BitAnd: return "&";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::Shl: return "<<";
    case BinaryOp::Shr: return ">>";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
  }
  return "?";
}

namespace {

std::string type_text(const ValueType& type) {
  using Kind = ValueType::Kind;
  std::string c_name = type.c_type ? type.c_type->name : std::string();
  switch (type.kind) {
    case Kind::Unknown: return "";
    case Kind::Integer:
      return (type.is_signed ? "s" : "u") + std::to_string(type.size * 8);
    case Kind::Bool: return "bool";
    case Kind::Enum:
      if (c_name.rfind("enum ", 0) == 0) return c_name;
      return c_name.empty() ? "enum" : "enum " + c_name;
    case Kind::Pointer: return c_name.empty() ? "ptr" : "ptr " + c_name;
    case Kind::Ufid: return "ufid";
    case Kind::Aggregate:
      return c_name.empty() ? "aggregate" : "aggregate " + c_name;
  }
  return "";
}

std::string expr_text(const Expr& e) {
  std::string out;
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, IntLiteral>) {
          out = "(int " + std::to_string(n.value) + ")";
        } else if constexpr (std::is_same_v<T, Identifier>) {
          if (e.binding.kind == Binding::Kind::EnumConstant)
            out = "(enum " + n.name + " = " +
                  std::to_string(e.binding.constant) + ")";
          else
            out = "(ident " + n.name + ")";
        } else if constexpr (std::is_same_v<T, MemberAccess>) {
          out = std::string("(") + (n.arrow ? "->" : ".") + " " +
                expr_text(*n.base) + " " + n.member + ")";
        } else if constexpr (std::is_same_v<T, Unary>) {
          out = std::string("(") + spelling(n.op) + " " +
                expr_text(*n.operand) + ")";
        } else if constexpr (std::is_same_v<T, Binary>) {
          out = std::string("(") + spelling(n.op) + " " + expr_text(*n.lhs) +
                " " + expr_text(*n.rhs) + ")";
        }
      },
      e.node);
  if (e.type.kind != ValueType::Kind::Unknown) out += " : " + type_text(e.type);
  return out;
}

// Writes `(head` and its children one per line, indented; the closing
// parenthesis follows the last child.
struct Writer {
  std::string out;

  void line(int depth, const std::string& text) {
    if (!out.empty()) out += '\n';
    out.append(depth * 2, ' ');
    out += text;
  }
  void close() { out += ')'; }
};

}  // namespace

std::string dump(const Program& program) {
  Writer w;
  w.line(0, "(program");
  for (const Clause& clause : program.clauses) {
    w.line(1, "(clause");
    std::string probes = "(probes";
    for (const ProbeRef& probe : clause.probes) probes += " " + probe.name;
    w.line(2, probes + ")");
    if (clause.predicate) {
      w.line(2, "(where");
      w.line(3, expr_text(*clause.predicate));
      w.close();
    }
    for (const Stmt& stmt : clause.actions) {
      if (const auto* print = std::get_if<PrintStmt>(&stmt)) {
        w.line(2, "(print");
        for (const PrintItem& item : print->items)
          w.line(3, expr_text(*item.expr));
        w.close();
      }
    }
    w.close();
  }
  w.close();
  w.out += '\n';
  return w.out;
}

}  // namespace ovsq::frontend
