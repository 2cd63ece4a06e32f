#pragma once
// The PEGTL grammar of the query language (ast.h has the summary,
// docs/language.md the full text).  parser.cpp attaches the actions that
// build the AST and the control that turns a failed expect<> into a
// diagnostic.
//
// Conventions:
// - Every token skips the whitespace and `#` comments after it (tok<>), so
//   a rule's match starts at its first token, and input left unparsed
//   always starts at a token.  A `#!` first line is just a comment.
// - The grammar is LL(1) over tokens: once a rule's first token matched,
//   what must follow is expect<>ed.  A mismatch is a syntax error right
//   there, with the message expectation<> gives for the expected rule; no
//   rule that built part of the AST is ever backtracked over.  The two
//   places that need to see one token further say so with at<>: a call is
//   a name *followed by* '(' (else the name is an identifier), and a 'by'
//   after a map assignment is caught to say why it cannot go there.
// - Keywords are reserved (`name` excludes them), except the aggregation
//   functions (count, sum, ...), which are keywords only at the start of a
//   statement; anywhere else they are names.  A member, a probe's second
//   half or a map's name may be any word.
//
// The language as parsed here:
// - program: clauses ('on' probes ['where' expr] action, 'begin' action,
//   'end' action) and run limits ('every' duration, 'for' duration,
//   'limit' integer), in any order, each optionally followed by ';';
// - action: one statement, or '{' statements '}' separated by ';' or just
//   blanks (a statement never continues with a token that starts one);
// - statements: print (items with 'as'), printf, an aggregation with a
//   'by' list, '@map[keys] = value' (an aggregation or an expression),
//   delete, exit;
// - primaries: (expr), "strings", integers and durations (10ms), map reads
//   @m[k], calls f(args), names; then members, unary and binary operators.
//
// Where later language features go:
// - new literals (ufid:..., addresses) are `primary` alternatives (before
//   `call_expr` and `name_expr`, which take any word), or new forms of the
//   `number` token;
// - new statements are `statement` alternatives; their keyword joins
//   `reserved` and statement_keywords (for "did you mean");
// - new clause kinds (timers such as `every 1s` as a probe) are `clause`
//   alternatives; new run limits are `run_limit` alternatives.
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
struct kw_printf : pg::keyword<'p', 'r', 'i', 'n', 't', 'f'> {};
struct kw_delete : pg::keyword<'d', 'e', 'l', 'e', 't', 'e'> {};
struct kw_exit : pg::keyword<'e', 'x', 'i', 't'> {};
struct kw_begin : pg::keyword<'b', 'e', 'g', 'i', 'n'> {};
struct kw_end : pg::keyword<'e', 'n', 'd'> {};
struct kw_every : pg::keyword<'e', 'v', 'e', 'r', 'y'> {};
struct kw_for : pg::keyword<'f', 'o', 'r'> {};
struct kw_limit : pg::keyword<'l', 'i', 'm', 'i', 't'> {};
struct kw_by : pg::keyword<'b', 'y'> {};
struct kw_as : pg::keyword<'a', 's'> {};
struct kw_and : pg::keyword<'a', 'n', 'd'> {};
struct kw_or : pg::keyword<'o', 'r'> {};
struct kw_not : pg::keyword<'n', 'o', 't'> {};
struct reserved
    : pg::sor<kw_on, kw_where, kw_print, kw_printf, kw_delete, kw_exit,
              kw_begin, kw_end, kw_every, kw_for, kw_limit, kw_by, kw_as,
              kw_and, kw_or, kw_not> {};

// Aggregation functions (support/aggregations.h): keywords at the start
// of a statement only.  `Bare`: those that may stand without '()'
// (count); the others must be called.
template <bool Bare> struct aggregation_keyword {
  using rule_t = aggregation_keyword;
  using subs_t = pg::empty_list;
  template <class ParseInput> static bool match(ParseInput& in) {
    const char* begin = in.current();
    const char* end = begin;
    auto is_word = [](char c, bool first) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (!first && c >= '0' && c <= '9');
    };
    while (end != in.end() && is_word(*end, end == begin)) ++end;
    const AggregationInfo* info =
        find_aggregation(std::string_view(begin, size_t(end - begin)));
    if (info == nullptr || info->bare != Bare) return false;
    in.bump_in_this_line(size_t(end - begin));
    return true;
  }
};
struct agg_count : aggregation_keyword<true> {};
struct agg_function : aggregation_keyword<false> {};

// For "did you mean": the words that can start a statement (the
// aggregations' names from their table), a clause or a run limit.
template <size_t N> struct KeywordList {
  char text[N] = {};
  constexpr const char* c_str() const { return text; }
};
template <size_t N>
constexpr KeywordList<N> statement_keywords(const char* first) {
  KeywordList<N> list;
  size_t n = 0;
  auto append = [&](const char* word) {
    if (n > 0) list.text[n++] = ' ';
    while (*word) list.text[n++] = *word++;
  };
  append(first);
  append("print printf delete exit");
  for (const AggregationInfo& info : kAggregations) append(info.name);
  return list;
}
inline constexpr auto kStatementKeywords = statement_keywords<160>("");
// After a probe list, 'where' may come too.
inline constexpr auto kClauseBodyKeywords = statement_keywords<160>("where");
inline constexpr const char kTopKeywords[] = "on begin end every for limit";

// [A-Za-z_][A-Za-z0-9_]*; `name` excludes keywords, `word` does not (a
// member or a probe's second half may be called anything).
struct word : pg::identifier {};
struct name : pg::seq<pg::not_at<reserved>, word> {};

// Numbers: decimal or 0x hex integers, and durations, a decimal integer
// with a unit (ns us ms s m h).  `12ab` is an error, not 12 then ab.
struct hex_digits : pg::plus<pg::xdigit> {};
struct hex_int : pg::seq<pg::one<'0'>, pg::one<'x', 'X'>, expect<hex_digits>> {};
struct dec_int : pg::plus<pg::digit> {};
struct duration_unit
    : pg::sor<pg::string<'n', 's'>, pg::string<'u', 's'>,
              pg::string<'m', 's'>, pg::one<'s', 'm', 'h'>> {};
struct int_end : pg::not_at<pg::identifier_other> {};
struct integer
    : pg::seq<pg::sor<hex_int, pg::seq<dec_int, pg::opt<duration_unit>>>,
              expect<int_end>> {};

// Address-like literals, one token each; the parser checks their exact
// form (frontend/address_literal.h):
//   ufid:8c92d6db-06ec-405b-992f-e23f0bb65697
//   192.168.10.10
//   2001:db8::1, ::ffff:10.0.0.1, 0e:04:47:fc:74:51 (hex digits, ':' and
//   '.', with a ':' among the first hex digits)
// They come before integers and names in `primary`, and need no lookahead
// beyond themselves: a name or an integer is never followed by ':' or by
// '.' and a digit.
struct ufid_body : pg::plus<pg::sor<pg::xdigit, pg::one<'-'>>> {};
struct ufid_literal
    : pg::seq<pg::string<'u', 'f', 'i', 'd', ':'>, expect<ufid_body>> {};
struct ipv4_literal
    : pg::seq<dec_int, pg::one<'.'>, dec_int, pg::one<'.'>, dec_int,
              pg::one<'.'>, dec_int, expect<int_end>> {};
struct colon_address
    : pg::seq<pg::star<pg::xdigit>, pg::one<':'>,
              pg::star<pg::sor<pg::xdigit, pg::one<':', '.'>>>,
              expect<int_end>> {};

// "text" with the escapes \n \t \\ \" \0, on one line.
struct dquote : pg::one<'"'> {};
struct string_escape : pg::one<'n', 't', '\\', '"', '0'> {};
struct escape : pg::seq<pg::one<'\\'>, expect<string_escape>> {};
struct string_char : pg::sor<escape, pg::not_one<'"', '\\', '\n', '\r'>> {};
struct string_close : pg::one<'"'> {};
struct string_literal
    : pg::seq<dquote, pg::star<string_char>, expect<string_close>> {};

// @name: '@' and the name form one token.
struct map_ident : word {};
struct map_name : pg::seq<pg::one<'@'>, expect<map_ident>> {};

struct on_kw : tok<kw_on> {};
struct where_kw : tok<kw_where> {};
struct print_kw : tok<kw_print> {};
struct printf_kw : tok<kw_printf> {};
struct delete_kw : tok<kw_delete> {};
struct exit_kw : tok<kw_exit> {};
struct begin_kw : tok<kw_begin> {};
struct end_kw : tok<kw_end> {};
struct every_kw : tok<kw_every> {};
struct for_kw : tok<kw_for> {};
struct limit_kw : tok<kw_limit> {};
struct by_kw : tok<kw_by> {};
struct as_kw : tok<kw_as> {};
struct comma : tok<pg::one<','>> {};
struct semicolon : tok<pg::one<';'>> {};
struct lparen : tok<pg::one<'('>> {};
struct rparen : tok<pg::one<')'>> {};
struct lbracket : tok<pg::one<'['>> {};
struct rbracket : tok<pg::one<']'>> {};
struct lbrace : tok<pg::one<'{'>> {};
struct rbrace : tok<pg::one<'}'>> {};
struct arrow : tok<pg::string<'-', '>'>> {};
struct dot : tok<pg::one<'.'>> {};

// One character that is not the start of a longer operator.
template <char C, char... Longer>
struct lone : pg::seq<pg::one<C>, pg::not_at<pg::one<Longer...>>> {};

struct assign_op : tok<lone<'=', '='>> {};

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

// The expression after an operator, '(', ',' or keyword.
template <class Next> struct operand : pg::seq<Next> {};

// '(' [expr (',' expr)*] ')': the arguments of a call.
struct first_arg : pg::seq<expr> {};
struct args_close : rparen {};
struct call_args
    : pg::seq<lparen, pg::sor<rparen, pg::seq<expect<first_arg>,
                                              pg::star<comma, expect<operand<expr>>>,
                                              expect<args_close>>>> {};

// '[' expr (',' expr)* ']': the keys of a map.
struct subscripts_close : rbracket {};
struct subscripts
    : pg::seq<lbracket, expect<operand<expr>>,
              pg::star<comma, expect<operand<expr>>>, expect<subscripts_close>> {};
struct map_ref : pg::seq<tok<map_name>, pg::opt<subscripts>> {};

struct name_expr : name {};
struct string_expr : string_literal {};
struct map_expr : map_ref {};
// A name followed by '(' (blanks between allowed) is a call.
struct call_name : pg::seq<name, pg::at<skip, pg::one<'('>>> {};
struct call_expr : pg::seq<tok<call_name>, call_args> {};
struct paren_expr : pg::seq<lparen, expect<operand<expr>>, expect<rparen>> {};
struct primary
    : pg::sor<paren_expr, tok<string_expr>, tok<ufid_literal>,
              tok<colon_address>, tok<ipv4_literal>, tok<integer>, map_expr,
              call_expr, tok<name_expr>> {};

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

// ---- statements --------------------------------------------------------

// print e [as name], ...
struct print_expr : pg::seq<expr> {};
struct column_name : name {};
struct print_item
    : pg::seq<print_expr, pg::opt<as_kw, expect<tok<column_name>>>> {};
struct print_stmt
    : pg::seq<print_kw, expect<print_item>, pg::star<comma, expect<print_item>>> {};

// printf("format", e, ...)
struct printf_open : lparen {};
struct format_string : string_literal {};
struct printf_stmt
    : pg::seq<printf_kw, expect<printf_open>, expect<tok<format_string>>,
              pg::star<comma, expect<operand<expr>>>, expect<args_close>> {};

// count [()] | sum(e) | ... [by e, ...]
struct agg_args : call_args {};
struct agg_call
    : pg::sor<pg::seq<tok<agg_count>, pg::opt<call_args>>,
              pg::seq<tok<agg_function>, expect<agg_args>>> {};
struct by_key : pg::seq<expr> {};
struct by_list
    : pg::seq<by_kw, expect<by_key>, pg::star<comma, expect<by_key>>> {};
struct aggregate_stmt : pg::seq<agg_call, pg::opt<by_list>> {};

// @m[k, ...] = value; a 'by' after it is an error of its own.
struct assign_value : pg::seq<expr> {};
struct by_after_assign {};
struct assign_stmt
    : pg::seq<map_ref, expect<assign_op>, expect<assign_value>,
              pg::opt<pg::at<by_kw>, pg::raise<by_after_assign>>> {};

// delete @m[k, ...]
struct delete_target : map_ref {};
struct delete_stmt : pg::seq<delete_kw, expect<delete_target>> {};

// exit [()]
struct exit_stmt : pg::seq<exit_kw, pg::opt<lparen, expect<rparen>>> {};

struct statement : pg::sor<print_stmt, printf_stmt, delete_stmt, exit_stmt,
                           assign_stmt, aggregate_stmt> {};

// A statement, or a block of them.
struct block_item : pg::seq<statement, pg::opt<semicolon>> {};
struct block_close : rbrace {};
struct block : pg::seq<lbrace, pg::star<block_item>, expect<block_close>> {};
struct action : pg::sor<block, statement> {};

// ---- clauses and run limits --------------------------------------------

// `flow_result` or `provider:name`, one token.
struct probe_part : pg::identifier {};
struct probe_name : pg::seq<name, pg::opt<pg::one<':'>, expect<probe_part>>> {};
struct probe : tok<probe_name> {};

struct condition : pg::seq<expr> {};
struct action_after_where : pg::seq<action> {};
struct clause_body
    : pg::sor<pg::seq<where_kw, expect<condition>, expect<action_after_where>>,
              action> {};
struct on_clause : pg::seq<on_kw, expect<probe>, pg::star<comma, expect<probe>>,
                           expect<clause_body>> {};
struct action_after_keyword : pg::seq<action> {};
struct begin_clause : pg::seq<begin_kw, expect<action_after_keyword>> {};
struct end_clause : pg::seq<end_kw, expect<action_after_keyword>> {};
struct clause : pg::sor<on_clause, begin_clause, end_clause> {};

struct duration_value : tok<integer> {};
struct count_value : tok<integer> {};
struct every_limit : pg::seq<every_kw, expect<duration_value>> {};
struct for_limit : pg::seq<for_kw, expect<duration_value>> {};
struct row_limit : pg::seq<limit_kw, expect<count_value>> {};
struct run_limit : pg::sor<every_limit, for_limit, row_limit> {};

struct program_item : pg::seq<pg::sor<clause, run_limit>, pg::opt<semicolon>> {};
struct first_item : program_item {};
struct next_item : program_item {};
struct program : pg::seq<skip, expect<first_item>,
                         pg::star<pg::not_at<pg::eof>, expect<next_item>>,
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

// After a clause or run limit, the parser (control::raise) words the
// message after what ended there: a print list may go on with ',', an
// aggregation with 'by', and so on.
template <> inline constexpr Expectation expectation<first_item>{
    "expected a clause ('on', 'begin', 'end') or a run limit ('every', "
    "'for', 'limit')",
    kTopKeywords};
template <> inline constexpr Expectation expectation<next_item>{
    "expected a new clause ('on', 'begin', 'end') or a run limit ('every', "
    "'for', 'limit')",
    kTopKeywords};
template <> inline constexpr Expectation expectation<probe>{
    "expected a probe name after '{prev}'"};
template <> inline constexpr Expectation expectation<probe_part>{
    "expected a probe name after ':'", "", false, true};
template <> inline constexpr Expectation expectation<clause_body>{
    "expected 'where', an action or '{' after the probe list",
    kClauseBodyKeywords.c_str()};
template <> inline constexpr Expectation expectation<action_after_where>{
    "expected an action or '{' after the 'where' condition",
    kStatementKeywords.c_str(), true};
template <> inline constexpr Expectation expectation<action_after_keyword>{
    "expected an action or '{' after '{prev}'", kStatementKeywords.c_str()};
template <> inline constexpr Expectation expectation<block_close>{
    "expected a statement or '}'", kStatementKeywords.c_str()};
template <> inline constexpr Expectation expectation<condition>{
    "expected an expression after 'where'"};
template <> inline constexpr Expectation expectation<print_item>{
    "expected an expression after '{prev}'"};
template <> inline constexpr Expectation expectation<tok<column_name>>{
    "expected a column name after 'as'"};
template <> inline constexpr Expectation expectation<printf_open>{
    "expected '(' after 'printf'"};
template <> inline constexpr Expectation expectation<tok<format_string>>{
    "expected a format string in double quotes after 'printf('"};
template <> inline constexpr Expectation expectation<agg_args>{
    "expected '(' after '{prev}'"};
template <> inline constexpr Expectation expectation<first_arg>{
    "expected an expression or ')' after '('"};
template <> inline constexpr Expectation expectation<args_close>{
    "expected ',' or ')'", "", true};
template <> inline constexpr Expectation expectation<subscripts_close>{
    "expected ',' or ']'", "", true};
template <> inline constexpr Expectation expectation<by_key>{
    "expected an expression after '{prev}'"};
template <> inline constexpr Expectation expectation<assign_op>{
    "expected '=' after '{prev}'"};
template <> inline constexpr Expectation expectation<assign_value>{
    "expected an expression or aggregation after '='"};
template <> inline constexpr Expectation expectation<by_after_assign>{
    "unexpected 'by' after an assignment to a map: its keys go in "
    "'@name[...]'"};
template <> inline constexpr Expectation expectation<delete_target>{
    "expected a map such as '@name[key]' after 'delete'"};
template <> inline constexpr Expectation expectation<duration_value>{
    "expected a duration such as 1s or 100ms after '{prev}'"};
template <> inline constexpr Expectation expectation<count_value>{
    "expected a number of rows after 'limit'"};
template <class Next> inline constexpr Expectation expectation<operand<Next>>{
    "expected an expression after '{prev}'"};
template <> inline constexpr Expectation expectation<rparen>{
    "expected ')'", "", true};
template <> inline constexpr Expectation expectation<tok<member_name>>{
    "expected a member name after '{prev}'"};
template <> inline constexpr Expectation expectation<map_ident>{
    "expected a map name after '@'", "", false, true};
template <> inline constexpr Expectation expectation<hex_digits>{
    "expected hex digits after '0x'", "", false, true};
template <> inline constexpr Expectation expectation<ufid_body>{
    "expected a ufid such as ufid:8c92d6db-06ec-405b-992f-e23f0bb65697",
    "", false, true};
template <> inline constexpr Expectation expectation<int_end>{
    "invalid integer literal '{word}'", "", false, true};
// Both raised by the parser with their own location (see control::raise).
template <> inline constexpr Expectation expectation<string_close>{
    "unterminated string literal", "", false, true};
template <> inline constexpr Expectation expectation<string_escape>{
    "unknown escape sequence in a string literal", "", false, true};

}  // namespace ovsq::frontend::grammar
