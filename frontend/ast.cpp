#include "frontend/ast.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <variant>

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
//         (as len (-> (ident ukey) key_len))))
//     (end
//       (exit))
//     (every 1000000000))
//
// Clauses: (clause (probes ...) [(where expr)] statement...) for `on`,
// (begin statement...) and (end statement...).  Run limits follow the
// clauses, those given only: (every NS) (for NS) (limit ROWS).
//
// Statements:
//   (print item...)        one item a line: the expression, or
//                          (as NAME expr) when the column is named with `as`
//   (printf "format" arg...)       the format re-escaped; args a line each
//   (aggregate [@name] [#id]       anonymous (`count by k`) or named
//     (call count)                 (`@n[k] = count()`); the call, then
//     (keys k...))                 the `by` list or subscripts, if any
//   (assign @name [#id] [(keys k...)] value)   keys and value a line each
//   (delete @name [#id] [(keys k...)])
//   (exit)
// #id is the map id sema gave the statement (absent before sema).
//
// Expressions:
//   (int 42)             integer literal, in decimal
//   (duration 10000000)  duration literal (10ms), in nanoseconds
//   (str "text")         string literal, re-escaped (\n \t \\ \" \0, others \xNN)
//   (ident name)         a name (sema has not resolved it to a constant)
//   (enum NAME = 3)      a name sema bound to an enum constant
//   (map @name k...)     map read; (map @name #id k...) once sema bound it
//   (call name arg...)   call (`count` without parentheses too)
//   (-> base member)     member access through a pointer
//   (. base member)      member access
//   (! x) (- x) (~ x)    unary operators (`not x` is written `!`)
//   (op lhs rhs)         binary operators, by spelling(); `and`/`or` are
//                        written `&&`/`||`
// Once sema has typed an expression its type follows the node as
// ` : <type>`, where <type> is u8..u64 or s8..s64, bool, enum <name>,
// ptr <C type>, ufid, aggregate <C type> or string[N]:
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
      if (type.meaning) return "meaning of " + c_name;
      if (c_name.rfind("enum ", 0) == 0) return c_name;
      return c_name.empty() ? "enum" : "enum " + c_name;
    case Kind::Pointer: return c_name.empty() ? "ptr" : "ptr " + c_name;
    case Kind::Ufid: return "ufid";
    case Kind::Aggregate:
      return c_name.empty() ? "aggregate" : "aggregate " + c_name;
    case Kind::String: return "string[" + std::to_string(type.size) + "]";
    case Kind::Ipv4: return "ipv4";
    case Kind::Ipv6: return "ipv6";
    case Kind::Mac: return "mac";
    case Kind::FlowKey: return "flow_key[" + std::to_string(type.size) + "]";
    case Kind::FlowKeyAttr: return "flow_key_attr " + type.odp_attr;
  }
  return "";
}

// "text" with the escapes the language has, and \xNN for other control
// characters.
std::string quoted(std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[(c >> 4) & 15];
          out += hex[c & 15];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// As the literal is written (IPv6 in inet_ntop's canonical form).
std::string address_text(const AddressLiteral& a) {
  char buf[64];
  const uint8_t* b = a.bytes.data();
  switch (a.kind) {
    case AddressLiteral::Kind::Ipv4:
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
      break;
    case AddressLiteral::Kind::Mac:
      std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0],
                    b[1], b[2], b[3], b[4], b[5]);
      break;
    case AddressLiteral::Kind::Ipv6:
      inet_ntop(AF_INET6, b, buf, sizeof buf);
      break;
    case AddressLiteral::Kind::Ufid: {
      uint32_t u[4];
      std::memcpy(u, b, sizeof u);
      std::snprintf(buf, sizeof buf, "ufid:%08x-%04x-%04x-%04x-%04x%08x", u[0],
                    u[1] >> 16, u[1] & 0xffff, u[2] >> 16, u[2] & 0xffff, u[3]);
      break;
    }
  }
  return buf;
}

std::string map_id_text(int map_id) {
  return map_id >= 0 ? " #" + std::to_string(map_id) : "";
}

std::string expr_text(const Expr& e);

std::string exprs_text(const std::vector<ExprPtr>& exprs) {
  std::string out;
  for (const ExprPtr& e : exprs) out += " " + expr_text(*e);
  return out;
}

std::string expr_text(const Expr& e) {
  std::string out;
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, IntLiteral>) {
          out = std::string(n.is_duration ? "(duration " : "(int ") +
                std::to_string(n.value) + ")";
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          out = "(str " + quoted(n.value) + ")";
        } else if constexpr (std::is_same_v<T, AddressLiteral>) {
          out = "(address " + address_text(n) + ")";
        } else if constexpr (std::is_same_v<T, MapRead>) {
          out = "(map " + n.name + map_id_text(e.binding.map_id) +
                exprs_text(n.keys) + ")";
        } else if constexpr (std::is_same_v<T, Call>) {
          out = "(call " + n.name + exprs_text(n.args) + ")";
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

bool is_identifier(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

// A header that is a plain name, other than the name printed, came from
// `as` (an expression's own text is a name only when it is that name).
std::string print_item_text(const PrintItem& item) {
  const auto* id = item.expr->as<Identifier>();
  if (is_identifier(item.header) && !(id && id->name == item.header))
    return "(as " + item.header + " " + expr_text(*item.expr) + ")";
  return expr_text(*item.expr);
}

void write_keys(Writer& w, int depth, const std::vector<ExprPtr>& keys) {
  if (!keys.empty()) w.line(depth, "(keys" + exprs_text(keys) + ")");
}

void write_stmt(Writer& w, int depth, const Stmt& stmt) {
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, PrintStmt>) {
          w.line(depth, "(print");
          for (const PrintItem& item : n.items)
            w.line(depth + 1, print_item_text(item));
        } else if constexpr (std::is_same_v<T, PrintfStmt>) {
          w.line(depth, "(printf " + quoted(n.format));
          for (const ExprPtr& arg : n.args) w.line(depth + 1, expr_text(*arg));
        } else if constexpr (std::is_same_v<T, AggregateStmt>) {
          std::string head = "(aggregate";
          if (!n.map_name.empty()) head += " " + n.map_name;
          w.line(depth, head + map_id_text(n.map_id));
          if (n.call) w.line(depth + 1, expr_text(*n.call));
          write_keys(w, depth + 1, n.keys);
        } else if constexpr (std::is_same_v<T, AssignStmt>) {
          w.line(depth, "(assign " + n.map_name + map_id_text(n.map_id));
          write_keys(w, depth + 1, n.keys);
          if (n.value) w.line(depth + 1, expr_text(*n.value));
        } else if constexpr (std::is_same_v<T, DeleteStmt>) {
          w.line(depth, "(delete " + n.map_name + map_id_text(n.map_id));
          write_keys(w, depth + 1, n.keys);
        } else if constexpr (std::is_same_v<T, ExitStmt>) {
          w.line(depth, "(exit");
        }
        w.close();
      },
      stmt);
}

}  // namespace

std::string dump(const Program& program) {
  Writer w;
  w.line(0, "(program");
  for (const Clause& clause : program.clauses) {
    switch (clause.kind) {
      case Clause::Kind::Probe: {
        w.line(1, "(clause");
        std::string probes = "(probes";
        for (const ProbeRef& probe : clause.probes) probes += " " + probe.name;
        w.line(2, probes + ")");
        break;
      }
      case Clause::Kind::Begin: w.line(1, "(begin"); break;
      case Clause::Kind::End: w.line(1, "(end"); break;
    }
    if (clause.predicate) {
      w.line(2, "(where");
      w.line(3, expr_text(*clause.predicate));
      w.close();
    }
    for (const Stmt& stmt : clause.actions) write_stmt(w, 2, stmt);
    w.close();
  }
  auto limit = [&](const char* name, const RunLimit& limit) {
    if (limit.set) w.line(1, std::string("(") + name + " " +
                                 std::to_string(limit.value) + ")");
  };
  limit("every", program.every);
  limit("for", program.for_duration);
  limit("limit", program.limit);
  w.close();
  w.out += '\n';
  return w.out;
}

}  // namespace ovsq::frontend
