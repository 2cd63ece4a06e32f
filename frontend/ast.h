#pragma once
// The abstract syntax tree.  The parser builds it untyped; frontend/sema
// fills in Expr::type and Expr::binding, and after that codegen reads only
// the typed tree.
//
// Grammar (docs/language.md has the full text):
//   program := (clause | run_limit)+
//   clause  := 'on' probe (',' probe)* ['where' expr] action
//            | 'begin' action | 'end' action
//   run_limit := 'every' duration | 'for' duration | 'limit' integer
//   action  := statement | '{' [statement (';' statement)* [';']] '}'
//   statement := 'print' expr ['as' name] (',' expr ['as' name])*
//              | 'printf' '(' string (',' expr)* ')'
//              | aggregation ['by' expr (',' expr)*]
//              | '@' name ['[' expr (',' expr)* ']'] '=' (aggregation | expr)
//              | 'delete' '@' name ['[' expr (',' expr)* ']']
//              | 'exit'
//   aggregation := 'count' ['(' ')'] | name '(' expr (',' int)* ')'
//                  (support/aggregations.h lists them and their arguments)
// Aggregation calls are also parsed where an expression may stand (as a
// Call), so that sema can say why one cannot be used there.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "frontend/source.h"
#include "probes/catalog.h"
#include "probes/odp_key.h"
#include "probes/types.h"
#include "frontend/builtins.h"
#include "support/aggregations.h"
#include "support/printf_conversion.h"

namespace ovsq::frontend {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// ---- expressions -------------------------------------------------------

struct IntLiteral {
  uint64_t value = 0;
  bool is_duration = false;  // written with a unit: 10ms; value is in ns
};

// "text": C escapes \n \t \" \\ already decoded.
struct StringLiteral {
  std::string value;
};

// An address-like literal, parsed and checked by the parser:
//   ufid:8c92d6db-06ec-405b-992f-e23f0bb65697  (bytes: ovs_u128 u32[4] as in
//                                             memory on x86_64)
//   192.168.10.10                              (4 bytes, network order)
//   2001:db8::1                                (16 bytes, network order)
//   0e:04:47:fc:74:51                          (6 bytes)
struct AddressLiteral {
  enum class Kind { Ufid, Ipv4, Ipv6, Mac };
  Kind kind = Kind::Ipv4;
  std::array<uint8_t, 16> bytes{};
  uint32_t size() const {
    return kind == Kind::Ipv4 ? 4 : kind == Kind::Mac ? 6 : 16;
  }
};

// A bare name: a probe argument or derived field (ufid), an enum constant
// or (later) a builtin.  Sema decides which and records it in
// Expr::binding.
struct Identifier {
  std::string name;
};

// @name or @name[k1, k2]: a read of a map (0 for a missing key).
struct MapRead {
  std::string name;  // with the '@'
  std::vector<ExprPtr> keys;
};

// name(args): a function of frontend/builtins.h (str, meaning), or an
// aggregation (support/aggregations.h), which statements take apart and
// sema rejects anywhere else.
struct Call {
  std::string name;
  SourceLoc name_loc;
  std::vector<ExprPtr> args;
  const FunctionInfo* function = nullptr;  // sema: which function it is
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
    String,     // a NUL-padded char array of `size` bytes (comm, "literals")
    Ipv4,       // 4 bytes, network order (a flow-key field or a literal)
    Ipv6,       // 16 bytes, network order
    Mac,        // 6 bytes
    FlowKey,    // a datapath flow key (netlink attributes); `size` is the
                // most bytes an event copies (--flow-key-size)
    FlowKeyAttr,  // `key.ipv4`: only '.field' may follow; odp_attr names it
  };
  Kind kind = Kind::Unknown;
  uint32_t size = 0;
  bool is_signed = false;
  probes::TypeRef c_type = nullptr;  // DWARF type where there is one
  std::string odp_attr;              // FlowKeyAttr: "ipv4"
  bool meaning = false;  // Enum from meaning(): printed as the meaning
  bool masked = false;   // FlowKey `flow`: the key with its mask

  // Compared only with == and != against a literal of the same kind.
  bool is_address() const {
    return kind == Kind::Ufid || kind == Kind::Ipv4 || kind == Kind::Ipv6 ||
           kind == Kind::Mac;
  }

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
  // A flow key's length: the argument holding it (upcall's key_len), or
  // for a derived key the offset of the length member (ukey->key_len).
  int length_arg_index = -1;
  uint64_t length_member_offset = 0;
  // `flow`: the mask's pointer and length members (ukey->mask, mask_len).
  uint64_t mask_member_offset = 0;
  uint64_t mask_length_member_offset = 0;
};

// What a name or member access reads, as sema resolved it.
struct Binding {
  enum class Kind {
    None,
    ProbeArg,      // per_probe[i].arg_index: argument of the clause's probe i
    DerivedField,  // per_probe[i]: a ufid, ukey->ufid (inline) or *put->ufid;
                   // the catalog's other derived fields are flow keys
    FlowKey,       // per_probe[i]: the key's pointer and length (ukey->key,
                   // put->key, upcall's key); a derived field or an argument
    FlowKeyField,  // MemberAccess `key.ipv4.src`: odp_field in the base key
    EnumConstant,  // constant
    Member,        // MemberAccess: field at `offset` of the base
    Builtin,       // builtin
    Map,           // MapRead: map_id indexes Program::maps
  };
  Builtin builtin = Builtin::Now;  // Builtin
  int map_id = -1;
  Kind kind = Kind::None;
  int64_t constant = 0;
  uint64_t offset = 0;
  const probes::OdpField* odp_field = nullptr;  // FlowKeyField
  // ProbeArg and DerivedField: one entry per probe of the clause, in the
  // order of Clause::probes (the same name can sit at different argument
  // positions, or behind a pointer in one probe and inline in another).
  std::vector<FieldSource> per_probe;
};

struct Expr {
  SourceLoc loc;
  std::variant<IntLiteral, StringLiteral, AddressLiteral, Identifier,
               MemberAccess, Unary, Binary, MapRead, Call>
      node;
  ValueType type;    // sema
  Binding binding;   // sema (Identifier and MemberAccess)

  template <typename T> T* as() { return std::get_if<T>(&node); }
  template <typename T> const T* as() const { return std::get_if<T>(&node); }
};

// ---- statements --------------------------------------------------------

struct PrintItem {
  ExprPtr expr;
  std::string header;  // column header: the `as` name, else the expression's text
};

struct PrintStmt {
  SourceLoc loc;
  std::vector<PrintItem> items;
};

// One piece of a printf format, as sema parsed it: literal text, then
// (when arg >= 0) one conversion of argument `arg`.
struct FormatPiece {
  std::string literal;          // "%%" already turned into "%"
  int arg = -1;
  PrintfConversion conversion;  // parsed: "%-8s", "%5llu" (as "%5u")
  SourceLoc loc;                // of the conversion in the source
};

struct PrintfStmt {
  SourceLoc loc;
  std::string format;
  SourceLoc format_loc;  // of the string literal, quotes included
  std::vector<ExprPtr> args;
  std::vector<FormatPiece> pieces;  // sema
};

using ovsq::AggregationKind;

// `count by k1, k2` or `@name[k1, k2] = count()`: one update of an
// aggregation kept in a BPF map.
struct AggregateStmt {
  SourceLoc loc;
  std::string map_name;  // "@name"; empty for an anonymous aggregation
  SourceLoc map_loc;
  std::vector<ExprPtr> keys;  // the `by` list or the [subscripts]
  ExprPtr call;               // a Call
  std::string text;           // the statement's source text (a title)
  // sema
  AggregationKind kind = AggregationKind::Count;
  int map_id = -1;
};

// @name[k1, k2] = expr (or @name = expr).
struct AssignStmt {
  SourceLoc loc;
  std::string map_name;
  SourceLoc map_loc;
  std::vector<ExprPtr> keys;
  ExprPtr value;
  int map_id = -1;  // sema
};

// delete @name[k1, k2]
struct DeleteStmt {
  SourceLoc loc;
  std::string map_name;
  SourceLoc map_loc;
  std::vector<ExprPtr> keys;
  int map_id = -1;  // sema
};

struct ExitStmt {
  SourceLoc loc;
};

using Stmt = std::variant<PrintStmt, PrintfStmt, AggregateStmt, AssignStmt,
                          DeleteStmt, ExitStmt>;

// ---- clauses -----------------------------------------------------------

struct ProbeRef {
  std::string name;  // as written: "flow_result" or "revalidate:flow_result"
  SourceLoc loc;
  // sema: the catalog entry and the binary's note for this probe
  const probes::CatalogProbe* catalog = nullptr;
  const probes::UsdtProbe* usdt = nullptr;
};

struct Clause {
  enum class Kind { Probe, Begin, End };
  Kind kind = Kind::Probe;
  SourceLoc loc;
  std::vector<ProbeRef> probes;  // Probe clauses only
  ExprPtr predicate;             // may be null
  std::vector<Stmt> actions;     // a bare statement or a block's statements
};

// A program-wide run limit: `every 1s`, `for 10s`, `limit 100`.
struct RunLimit {
  SourceLoc loc;
  uint64_t value = 0;  // ns for every/for; rows for limit
  bool set = false;
};

// What sema learnt about one map: from its first use, which every other
// use must agree with.
struct MapInfo {
  std::string name;           // "@born"; anonymous: the statement's text
  bool anonymous = false;
  SourceLoc first_loc;
  std::vector<ValueType> key_types;
  bool is_aggregation = false;
  AggregationKind aggregation = AggregationKind::Count;
  int64_t lhist_min = 0, lhist_max = 0, lhist_step = 1;
  ValueType value_type;       // plain maps: the stored value's type
  std::vector<std::string> key_headers;  // the key expressions' text
};

struct Program {
  std::vector<Clause> clauses;
  RunLimit every, for_duration, limit;
  std::vector<MapInfo> maps;  // sema
};

// Renders the tree as an indented S-expression (for --emit=ast and golden
// tests), with types once sema has run.
std::string dump(const Program& program);

}  // namespace ovsq::frontend
