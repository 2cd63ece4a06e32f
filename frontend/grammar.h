#pragma once
// The PEGTL grammar of the query language (this slice; ast.h has the
// summary).  parser.cpp attaches the actions that build the AST and the
// control that turns a failed expect<> into a diagnostic.
//
// Conventions:
// - Every token skips the whitespace and `#` comments after it (tok<>), so
//   a rule's match starts at its first token, and input left unparsed
//   always starts at a token.  A `#!` first line is just a comment.
// - The grammar is LL(1) over tokens: once a rule's first token matched,
//   what must follow is expect<>ed.  A mismatch is a syntax error right
//   there, with the message expectation<> gives for the expected rule; no
//   rule that built part of the AST is ever backtracked over.
//
// Where later language features go:
// - new literals (strings, durations, ufid:..., addresses) and map reads
//   (@x[k]) are new `primary` alternatives, placed before `name_expr`;
// - new statements (printf, aggregations, map assignment, delete, exit)
//   are `statement` alternatives; `{ statement; ... }` is a second form of
//   `action` next to the bare statement;
// - begin/end/every clauses are `clause` alternatives; run limits
//   (every/for/limit) are a `program` suffix; new keywords join `reserved`.
#include <tao/pegtl.hpp>

#include "frontend/ast.h"

namespace ovsq::frontend::grammar {

namespace pg = tao::pegtl;

// ---- lexical -----------------------------------------------------------

struct comment : pg::seq<pg::one<'#'>, pg::until<pg::eolf>> {};
struct skip : pg::star<pg::sor<pg::space, comment>> {};

// A token is `Raw` and the blanks after it; the parser notes where each
// raw token is (for locations, and for "after '...'" in messages).
template <class Raw> struct raw : pg::seq<Raw> {};
template <class Raw> struct tok : pg::seq<raw<Raw>, skip> {};

// `R`, or else a syntax error here described by expectation<R>.  (pg::must
// would raise after a partial match of R; sor rewinds it first.)
template <class R> struct expect : pg::sor<R, pg::raise<R>> {};

struct kw_on : pg::keyword<'o', 'n'> {};
struct kw_where : pg::keyword<'w', 'h', 'e', 'r', 'e'> {};
struct kw_print : pg::keyword<'p', 'r', 'i', 'n', 't'> {};
struct kw_and : pg::keyword<'a', 'n', 'd'> {};
struct kw_or : pg::keyword<'o', 'r'> {};
struct kw_not : pg::keyword<'n', 'o', 't'> {};
struct reserved : pg::sor<kw_on, kw_where, kw_print, kw_and, kw_or, kw_not> {};

// [A-Za-z_][A-Za-z0-9_]*; `name` excludes keywords, `word` does not (a
// member or a probe's second half may be called anything).
struct word : pg::identifier {};
struct name : pg::seq<pg::not_at<reserved>, word> {};

// Integers: decimal or 0x hex; `12ab` is an error, not 12 then ab.
struct hex_digits : pg::plus<pg::xdigit> {};
struct hex_int : pg::seq<pg::one<'0'>, pg::one<'x', 'X'>, expect<hex_digits>> {};
struct dec_int : pg::plus<pg::digit> {};
struct int_end : pg::not_at<pg::identifier_other> {};
struct integer : pg::seq<pg::sor<hex_int, dec_int>, expect<int_end>> {};

struct on_kw : tok<kw_on> {};
struct where_kw : tok<kw_where> {};
struct print_kw : tok<kw_print> {};
struct comma : tok<pg::one<','>> {};
struct semicolon : tok<pg::one<';'>> {};
struct lparen : tok<pg::one<'('>> {};
struct rparen : tok<pg::one<')'>> {};
struct arrow : tok<pg::string<'-', '>'>> {};
struct dot : tok<pg::one<'.'>> {};

// One character that is not the start of a longer operator.
template <char C, char... Longer>
struct lone : pg::seq<pg::one<C>, pg::not_at<pg::one<Longer...>>> {};

template <UnaryOp Op, class Raw> struct unary_op : tok<Raw> {
  static constexpr UnaryOp op = Op;
};
template <BinaryOp Op, class Raw> struct binary_op : tok<Raw> {
  static constexpr BinaryOp op = Op;
};

using B = BinaryOp;
struct op_or : binary_op<B::LogicalOr, pg::string<'|', '|'>> {};
struct op_or_kw : binary_op<B::LogicalOr, kw_or> {};
struct op_and : binary_op<B::LogicalAnd, pg::string<'&', '&'>> {};
struct op_and_kw : binary_op<B::LogicalAnd, kw_and> {};
struct op_bit_or : binary_op<B::BitOr, lone<'|', '|'>> {};
struct op_bit_xor : binary_op<B::BitXor, pg::one<'^'>> {};
struct op_bit_and : binary_op<B::BitAnd, lone<'&', '&'>> {};
struct op_eq : binary_op<B::Eq, pg::string<'=', '='>> {};
struct op_ne : binary_op<B::Ne, pg::string<'!', '='>> {};
struct op_le : binary_op<B::Le, pg::string<'<', '='>> {};
struct op_lt : binary_op<B::Lt, lone<'<', '<', '='>> {};
struct op_ge : binary_op<B::Ge, pg::string<'>', '='>> {};
struct op_gt : binary_op<B::Gt, lone<'>', '>', '='>> {};
struct op_shl : binary_op<B::Shl, pg::string<'<', '<'>> {};
struct op_shr : binary_op<B::Shr, pg::string<'>', '>'>> {};
struct op_add : binary_op<B::Add, pg::one<'+'>> {};
struct op_sub : binary_op<B::Sub, lone<'-', '>'>> {};
struct op_mul : binary_op<B::Mul, pg::one<'*'>> {};
struct op_div : binary_op<B::Div, pg::one<'/'>> {};
struct op_mod : binary_op<B::Mod, pg::one<'%'>> {};

struct op_not : unary_op<UnaryOp::Not, lone<'!', '='>> {};
struct op_not_kw : unary_op<UnaryOp::Not, kw_not> {};
struct op_negate : unary_op<UnaryOp::Negate, lone<'-', '>'>> {};
struct op_bit_not : unary_op<UnaryOp::BitNot, pg::one<'~'>> {};

// ---- expressions -------------------------------------------------------

struct expr;
struct unary;

// The expression after an operator, '(' or keyword.
template <class Next> struct operand : pg::seq<Next> {};

struct name_expr : name {};
struct paren_expr : pg::seq<lparen, expect<operand<expr>>, expect<rparen>> {};
struct primary : pg::sor<paren_expr, tok<integer>, tok<name_expr>> {};

struct member_name : word {};
template <class Op> struct member_tail : pg::seq<Op, expect<tok<member_name>>> {};
struct postfix
    : pg::seq<primary, pg::star<pg::sor<member_tail<arrow>, member_tail<dot>>>> {};

template <class Op> struct unary_tail : pg::seq<Op, expect<operand<unary>>> {};
struct unary : pg::sor<unary_tail<op_not>, unary_tail<op_not_kw>,
                       unary_tail<op_negate>, unary_tail<op_bit_not>, postfix> {};

// Next (Op Next)*, folded to the left.
template <class Op, class Next>
struct binary_tail : pg::seq<Op, expect<operand<Next>>> {};
template <class Next, class... Ops>
struct left_assoc : pg::seq<Next, pg::star<pg::sor<binary_tail<Ops, Next>...>>> {};

// C's precedence, loosest last.
struct product : left_assoc<unary, op_mul, op_div, op_mod> {};
struct sum : left_assoc<product, op_add, op_sub> {};
struct shift : left_assoc<sum, op_shl, op_shr> {};
struct relation : left_assoc<shift, op_le, op_lt, op_ge, op_gt> {};
struct equality : left_assoc<relation, op_eq, op_ne> {};
struct bit_and : left_assoc<equality, op_bit_and> {};
struct bit_xor : left_assoc<bit_and, op_bit_xor> {};
struct bit_or : left_assoc<bit_xor, op_bit_or> {};
struct logical_and : left_assoc<bit_or, op_and, op_and_kw> {};
struct logical_or : left_assoc<logical_and, op_or, op_or_kw> {};
struct expr : logical_or {};

// ---- statements and clauses -------------------------------------------

struct print_item : pg::seq<expr> {};
struct print_stmt
    : pg::seq<print_kw, expect<print_item>, pg::star<comma, expect<print_item>>> {};
struct statement : pg::sor<print_stmt> {};
struct action : statement {};

// `flow_result` or `provider:name`, one token.
struct probe_part : pg::identifier {};
struct probe_name : pg::seq<name, pg::opt<pg::one<':'>, expect<probe_part>>> {};
struct probe : tok<probe_name> {};

struct condition : pg::seq<expr> {};
struct action_after_where : pg::seq<action> {};
struct clause_body
    : pg::sor<pg::seq<where_kw, expect<condition>, expect<action_after_where>>,
              action> {};
struct clause : pg::seq<on_kw, expect<probe>, pg::star<comma, expect<probe>>,
                        expect<clause_body>, pg::opt<semicolon>> {};

struct first_clause : pg::seq<clause> {};
struct next_clause : pg::seq<clause> {};
struct program : pg::seq<skip, expect<first_clause>,
                         pg::star<pg::not_at<pg::eof>, expect<next_clause>>,
                         pg::eof> {};

// ---- what each expect<> expects ----------------------------------------

struct Expectation {
  // "syntax error: <message>".  {prev} is the token before the error;
  // {word} is the whole word the error is in, which the error then spans.
  const char* message = nullptr;
  // Keywords that fit here (space-separated), for "did you mean" when a
  // misspelt one is found instead.
  const char* keywords = "";
  // An expression may end here, so a lone '=' or an extra ')' is the
  // likely mistake.
  bool after_expression = false;
  // The error is inside a token (so a stray character is reported with
  // this message, not as "unexpected character").
  bool in_token = false;
};

template <class R> inline constexpr Expectation expectation{};

template <> inline constexpr Expectation expectation<first_clause>{
    "expected 'on' to start a clause", "on"};
template <> inline constexpr Expectation expectation<next_clause>{
    "expected ',' or a new 'on' clause after the print list", "on", true};
template <> inline constexpr Expectation expectation<probe>{
    "expected a probe name after '{prev}'"};
template <> inline constexpr Expectation expectation<probe_part>{
    "expected a probe name after ':'", "", false, true};
template <> inline constexpr Expectation expectation<clause_body>{
    "expected 'where', 'print' or ',' after the probe list", "where print"};
template <> inline constexpr Expectation expectation<action_after_where>{
    "expected 'print' after the 'where' condition", "print", true};
template <> inline constexpr Expectation expectation<condition>{
    "expected an expression after 'where'"};
template <> inline constexpr Expectation expectation<print_item>{
    "expected an expression after '{prev}'"};
template <class Next> inline constexpr Expectation expectation<operand<Next>>{
    "expected an expression after '{prev}'"};
template <> inline constexpr Expectation expectation<rparen>{
    "expected ')'", "", true};
template <> inline constexpr Expectation expectation<tok<member_name>>{
    "expected a member name after '{prev}'"};
template <> inline constexpr Expectation expectation<hex_digits>{
    "expected hex digits after '0x'", "", false, true};
template <> inline constexpr Expectation expectation<int_end>{
    "invalid integer literal '{word}'", "", false, true};

}  // namespace ovsq::frontend::grammar
