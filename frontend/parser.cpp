// Query text -> untyped AST: PEGTL actions build the tree on a stack of
// expressions; the control class turns a failed expect<> into the one
// error of the parse, worded by frontend/parser_errors.h.
#include "frontend/parser.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "frontend/address_literal.h"
#include "frontend/builtins.h"
#include "frontend/grammar.h"
#include "frontend/parser_errors.h"

namespace ovsq::frontend {

namespace {

namespace pg = tao::pegtl;
namespace g = grammar;
using namespace parser_detail;

struct ParseState {
  explicit ParseState(const Source& src) : source(src), base(src.text.data()) {}

  const Source& source;
  const char* base;  // source.text.data()

  // The last raw token matched.
  uint32_t prev_begin = 0;
  uint32_t prev_end = 0;
  // Unary expressions being matched, one inside the other: parentheses and
  // prefix operators nest through `unary`, so this bounds the recursion.
  int depth = 0;
  // The parse failed at the end of the text, where more text could have
  // completed it (an open '{', a trailing operator, `on x` alone).
  bool ran_out = false;

  // Expressions being built, each with where its text starts (which is
  // before its own loc when it was written in parentheses).  A statement
  // starts with this empty, so what it leaves here is its own.
  struct Pending {
    ExprPtr expr;
    uint32_t begin;
  };
  std::vector<Pending> exprs;
  std::string member;
  SourceLoc member_loc;
  // Calls and map references being built, innermost last: their name, and
  // where in `exprs` their arguments or keys start.
  struct Named {
    std::string name;
    SourceLoc loc;
    uint32_t begin;
    size_t mark;
  };
  std::vector<Named> named;
  uint32_t string_begin = 0;  // the '"' of the string being matched
  uint32_t block_begin = 0;   // the '{' of the block being matched

  // The clause being built.
  std::vector<ProbeRef> probes;
  ExprPtr predicate;
  std::vector<PrintItem> items;
  std::vector<Stmt> actions;
  Tail tail = Tail::None;

  Program program;

  template <class Input> uint32_t offset(const Input& in) const {
    return static_cast<uint32_t>(in.begin() - base);
  }
  template <class Input> SourceLoc loc(const Input& in) const {
    return source.loc_at(offset(in), static_cast<uint32_t>(in.size()));
  }
  // From `begin` to the end of the last token.
  SourceLoc loc_from(uint32_t begin) const {
    return source.loc_at(begin, prev_end - begin);
  }

  // Pushes an expression whose text is [begin, end).
  void push(uint32_t begin, uint32_t end, decltype(Expr::node) node) {
    auto e = std::make_unique<Expr>();
    e->loc = source.loc_at(begin, end - begin);
    e->node = std::move(node);
    exprs.push_back({std::move(e), begin});
  }
  Pending pop() {
    Pending p = std::move(exprs.back());
    exprs.pop_back();
    return p;
  }
  // The expressions from `mark` on, taken off the stack.
  std::vector<ExprPtr> take_from(size_t mark) {
    std::vector<ExprPtr> out;
    for (size_t i = mark; i < exprs.size(); ++i)
      out.push_back(std::move(exprs[i].expr));
    exprs.resize(mark);
    return out;
  }
  template <class Input> void push_named(const Input& in) {
    named.push_back(Named{in.string(), loc(in), offset(in), exprs.size()});
  }
  Named pop_named() {
    Named n = std::move(named.back());
    named.pop_back();
    return n;
  }
};

// ---- actions -----------------------------------------------------------

template <class Rule> struct action : pg::nothing<Rule> {};

template <class Raw> struct action<g::raw<Raw>> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.prev_begin = s.offset(in);
    s.prev_end = s.prev_begin + static_cast<uint32_t>(in.size());
  }
};

// Decimal or hex digits, or a decimal duration with its unit.
template <> struct action<g::integer> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    std::string_view text(in.begin(), in.size());
    std::string_view digits = text;
    uint64_t radix = 10;
    if (text.size() > 2 && (text[1] == 'x' || text[1] == 'X')) {
      radix = 16;
      digits.remove_prefix(2);
    }
    uint64_t multiplier = 0;  // not a duration
    if (radix == 10) {
      size_t unit = digits.find_first_not_of("0123456789");
      if (unit != std::string_view::npos) {
        std::string_view suffix = digits.substr(unit);
        digits = digits.substr(0, unit);
        multiplier = suffix == "ns" ? 1
                   : suffix == "us" ? 1000
                   : suffix == "ms" ? 1000'000
                   : suffix == "s"  ? 1000'000'000
                   : suffix == "m"  ? 60'000'000'000
                                    : 3600'000'000'000;  // h
      }
    }
    auto too_large = [&] {
      return multiplier
                 ? parse_failure<DiagnosticKind::DurationTooLarge>(s.loc(in), {text})
                 : parse_failure<DiagnosticKind::IntegerTooLarge>(s.loc(in), {text});
    };
    uint64_t value = 0;
    for (char c : digits) {
      uint64_t d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      if (value > (UINT64_MAX - d) / radix) throw too_large();
      value = value * radix + d;
    }
    if (multiplier) {
      if (value > UINT64_MAX / multiplier) throw too_large();
      value *= multiplier;
    }
    s.push(s.offset(in), s.offset(in) + in.size(),
           IntLiteral{value, multiplier != 0});
  }
};

// ufid:..., 10.0.0.1, 2001:db8::1, 0e:04:47:fc:74:51: the grammar matched
// the characters; the exact form is checked here.
template <class Rule, DiagnosticKind Invalid,
          std::optional<AddressLiteral> (*Parse)(std::string_view)>
struct address_action {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    std::optional<AddressLiteral> literal = Parse(in.string_view());
    if (!literal) throw parse_failure<Invalid>(s.loc(in), {in.string()});
    s.push(s.offset(in), s.offset(in) + in.size(), *literal);
  }
};
template <> struct action<g::ufid_literal>
    : address_action<g::ufid_literal, DiagnosticKind::InvalidUfidLiteral, parse_ufid> {};
template <> struct action<g::ipv4_literal>
    : address_action<g::ipv4_literal, DiagnosticKind::InvalidIpv4Literal, parse_ipv4> {};
template <> struct action<g::colon_address>
    : address_action<g::colon_address, DiagnosticKind::InvalidAddressLiteral,
                     parse_colon_address> {};

template <> struct action<g::dquote> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.string_begin = s.offset(in);
  }
};

// The text between the quotes, escapes decoded (the grammar let only
// valid ones through).
std::string decode_string(std::string_view literal) {
  std::string out;
  for (size_t i = 1; i + 1 < literal.size(); ++i) {
    char c = literal[i];
    if (c == '\\') {
      char e = literal[++i];
      c = e == 'n' ? '\n' : e == 't' ? '\t' : e == '0' ? '\0' : e;
    }
    out += c;
  }
  return out;
}

template <> struct action<g::string_expr> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.push(s.offset(in), s.offset(in) + in.size(),
           StringLiteral{decode_string(in.string_view())});
  }
};

template <> struct action<g::name_expr> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.push(s.offset(in), s.offset(in) + in.size(), Identifier{in.string()});
  }
};

// `@name`, `name(` and an aggregation's name start a Named.
template <> struct action<g::map_name> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.push_named(in);
  }
};
template <> struct action<g::call_name> : action<g::map_name> {};
template <> struct action<g::agg_count> : action<g::map_name> {};
template <> struct action<g::agg_function> : action<g::map_name> {};

template <> struct action<g::map_expr> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    ParseState::Named map = s.pop_named();
    std::vector<ExprPtr> keys = s.take_from(map.mark);
    s.push(map.begin, s.prev_end, MapRead{std::move(map.name), std::move(keys)});
  }
};

template <> struct action<g::call_expr> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    ParseState::Named call = s.pop_named();
    std::vector<ExprPtr> args = s.take_from(call.mark);
    s.push(call.begin, s.prev_end,
           Call{std::move(call.name), call.loc, std::move(args)});
  }
};

// `count` may stand without parentheses.
template <> struct action<g::agg_call> : action<g::call_expr> {};

template <> struct action<g::member_name> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.member = in.string();
    s.member_loc = s.loc(in);
  }
};

template <class Op> struct action<g::member_tail<Op>> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    ParseState::Pending base = s.pop();
    s.push(base.begin, s.prev_end, MemberAccess{std::move(base.expr), std::move(s.member),
                                    s.member_loc,
                                    std::is_same_v<Op, g::arrow>});
  }
};

template <class Op> struct action<g::unary_tail<Op>> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    ParseState::Pending operand = s.pop();
    s.push(s.offset(in), s.prev_end, Unary{Op::op, std::move(operand.expr)});
  }
};

template <class Op, class Next> struct action<g::binary_tail<Op, Next>> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    ParseState::Pending rhs = s.pop();
    ParseState::Pending lhs = s.pop();
    s.push(lhs.begin, s.prev_end, Binary{Op::op, std::move(lhs.expr), std::move(rhs.expr)});
  }
};

// `(e)` is e, but its text (and so its parent's) starts at the '('.
template <> struct action<g::paren_expr> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.exprs.back().begin = s.offset(in);
  }
};

// ---- statements --------------------------------------------------------

template <> struct action<g::print_expr> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    SourceLoc text = s.loc_from(s.offset(in));
    s.items.push_back(
        PrintItem{s.pop().expr, std::string(s.source.text_at(text))});
  }
};

template <> struct action<g::column_name> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.items.back().header = in.string();
  }
};

template <> struct action<g::print_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.actions.push_back(
        PrintStmt{s.loc_from(s.offset(in)), std::exchange(s.items, {})});
    s.tail = Tail::PrintList;
  }
};

template <> struct action<g::format_string> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    PrintfStmt printf;
    printf.format = decode_string(in.string_view());
    printf.format_loc = s.loc(in);
    s.actions.push_back(std::move(printf));
  }
};

template <> struct action<g::printf_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    auto& printf = std::get<PrintfStmt>(s.actions.back());
    printf.loc = s.loc_from(s.offset(in));
    printf.args = s.take_from(0);
    s.tail = Tail::Other;
  }
};

template <> struct action<g::aggregate_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    AggregateStmt agg;
    agg.loc = s.loc_from(s.offset(in));
    agg.text = std::string(s.source.text_at(agg.loc));
    std::vector<ExprPtr> exprs = s.take_from(0);  // the call, then the keys
    agg.call = std::move(exprs[0]);
    for (size_t i = 1; i < exprs.size(); ++i) agg.keys.push_back(std::move(exprs[i]));
    s.tail = agg.keys.empty() ? Tail::Aggregation : Tail::ByList;
    s.actions.push_back(std::move(agg));
  }
};

// @m[k] = an aggregation (a call of one, or a bare `count`) or a value.
template <> struct action<g::assign_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    ExprPtr value = s.pop().expr;
    ParseState::Named map = s.pop_named();
    std::vector<ExprPtr> keys = s.take_from(map.mark);
    SourceLoc loc = s.loc_from(s.offset(in));
    s.tail = Tail::Expression;
    if (const auto* id = value->as<Identifier>())
      if (const AggregationInfo* info = find_aggregation(id->name); info && info->bare)
        value->node = Call{id->name, value->loc, {}};
    if (const auto* call = value->as<Call>(); call && is_aggregation_function(call->name)) {
      AggregateStmt agg;
      agg.loc = loc;
      agg.map_name = std::move(map.name);
      agg.map_loc = map.loc;
      agg.keys = std::move(keys);
      agg.call = std::move(value);
      agg.text = std::string(s.source.text_at(loc));
      s.actions.push_back(std::move(agg));
      return;
    }
    s.actions.push_back(AssignStmt{loc, std::move(map.name), map.loc,
                                   std::move(keys), std::move(value)});
  }
};

template <> struct action<g::delete_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    ParseState::Named map = s.pop_named();
    std::vector<ExprPtr> keys = s.take_from(map.mark);
    s.actions.push_back(DeleteStmt{s.loc_from(s.offset(in)), std::move(map.name),
                                   map.loc, std::move(keys)});
    s.tail = Tail::Other;
  }
};

template <> struct action<g::exit_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.actions.push_back(ExitStmt{s.loc_from(s.offset(in))});
    s.tail = Tail::Other;
  }
};

template <> struct action<g::lbrace> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.block_begin = s.offset(in);
    s.tail = Tail::None;
  }
};

template <> struct action<g::block> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    s.tail = Tail::None;
  }
};

// ---- clauses and run limits --------------------------------------------

template <> struct action<g::probe_name> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.probes.push_back(ProbeRef{in.string(), s.loc(in)});
  }
};

template <> struct action<g::condition> {
  template <class Input> static void apply(const Input&, ParseState& s) {
    s.predicate = s.pop().expr;
  }
};

template <Clause::Kind Kind> struct clause_action {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    Clause clause;
    clause.kind = Kind;
    clause.loc = s.loc_from(s.offset(in));
    clause.probes = std::exchange(s.probes, {});
    clause.predicate = std::move(s.predicate);
    clause.actions = std::exchange(s.actions, {});
    s.program.clauses.push_back(std::move(clause));
  }
};
template <> struct action<g::on_clause> : clause_action<Clause::Kind::Probe> {};
template <> struct action<g::begin_clause> : clause_action<Clause::Kind::Begin> {};
template <> struct action<g::end_clause> : clause_action<Clause::Kind::End> {};

// `every`/`for` take a duration, `limit` a plain number; none may be zero
// or given twice.
template <RunLimit Program::*Limit> struct run_limit_action {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    std::string keyword = Limit == &Program::every    ? "every"
                          : Limit == &Program::limit ? "limit"
                                                     : "for";
    bool wants_duration = Limit != &Program::limit;
    ExprPtr value = s.pop().expr;
    const IntLiteral& literal = *value->as<IntLiteral>();
    if (wants_duration && !literal.is_duration)
      throw parse_failure<DiagnosticKind::RunLimitNeedsDuration>(value->loc, {keyword});
    if (!wants_duration && literal.is_duration)
      throw parse_failure<DiagnosticKind::LimitNeedsCount>(value->loc);
    if (literal.value == 0)
      throw parse_failure<DiagnosticKind::RunLimitIsZero>(value->loc, {keyword});
    RunLimit& limit = s.program.*Limit;
    SourceLoc loc = s.loc_from(s.offset(in));
    if (limit.set)
      throw parse_failure<DiagnosticKind::DuplicateRunLimit>(loc, {keyword});
    limit = RunLimit{loc, literal.value, true};
    s.tail = Tail::RunLimit;
  }
};
template <> struct action<g::every_limit> : run_limit_action<&Program::every> {};
template <> struct action<g::for_limit> : run_limit_action<&Program::for_duration> {};
template <> struct action<g::row_limit> : run_limit_action<&Program::limit> {};

// ---- control: nesting depth, and the error for a failed expect<> -------

constexpr int kMaxDepth = 256;

template <class Rule> struct control : pg::normal<Rule> {
  template <class Input> static void start(const Input& in, ParseState& s) {
    if constexpr (std::is_same_v<Rule, g::unary>) {
      if (++s.depth > kMaxDepth)
        throw parse_failure<DiagnosticKind::NestedTooDeeply>(
            s.source.loc_at(static_cast<uint32_t>(in.current() - s.base)));
    }
  }
  template <class Input> static void success(const Input&, ParseState& s) {
    if constexpr (std::is_same_v<Rule, g::unary>) --s.depth;
  }
  template <class Input> static void failure(const Input&, ParseState& s) {
    if constexpr (std::is_same_v<Rule, g::unary>) --s.depth;
  }

  template <class Input>
  [[noreturn]] static void raise(const Input& in, ParseState& s) {
    static_assert(g::expectation<Rule>.message != nullptr,
                  "every expect<R> needs an expectation<R>");
    auto offset = static_cast<uint32_t>(in.current() - s.base);
    std::string_view text = s.source.text;
    bool at_end = offset >= text.size();
    s.ran_out = at_end;
    std::string_view found;  // the word at the error, if any
    if (!at_end) {
      uint32_t end = offset;
      while (end < text.size() && is_word_char(text[end])) ++end;
      found = text.substr(offset, end - offset);
    }

    if constexpr (std::is_same_v<Rule, g::first_item>) {
      s.ran_out = false;  // nothing but blanks: nothing to continue
      if (at_end)
        throw parse_failure<DiagnosticKind::EmptyProgram>(s.source.loc_at(0));
    }
    if constexpr (std::is_same_v<Rule, g::string_close> ||
                  std::is_same_v<Rule, g::string_escape>) {
      s.ran_out = false;  // a string does not continue on the next line
      char c = at_end ? '\n' : text[offset];
      if (std::is_same_v<Rule, g::string_close> || c == '\n' || c == '\r')
        throw parse_failure<DiagnosticKind::UnterminatedString>(
            s.source.loc_at(s.string_begin));
      // At the character after the backslash: the caret spans both.
      auto [shown, length] = describe_char(text, offset);
      throw parse_failure<DiagnosticKind::UnknownEscape>(
          s.source.loc_at(offset - 1, length + 1), {shown});
    }

    g::Expectation expected = g::expectation<Rule>;
    AfterStatement after;
    if constexpr (std::is_same_v<Rule, g::next_item> ||
                  std::is_same_v<Rule, g::block_close>) {
      constexpr bool in_block = std::is_same_v<Rule, g::block_close>;
      char prev = text[s.prev_begin];
      if (in_block && at_end)
        throw parse_failure<DiagnosticKind::UnclosedBlock>(s.source.loc_at(s.block_begin));
      if (in_block && !found.empty() && is_one_of(found, g::kTopKeywords))
        throw parse_failure<DiagnosticKind::BlockNotClosed>(
            s.source.loc_at(offset, static_cast<uint32_t>(found.size())), {found});
      // A second statement after a bare action: the braces are missing.
      if (!in_block && prev != '}' && s.tail != Tail::RunLimit && !at_end &&
          (text[offset] == '@' || (!found.empty() &&
                                   is_one_of(found, g::kStatementKeywords.c_str()))))
        throw parse_failure<DiagnosticKind::StatementsNeedBraces>(s.source.loc_at(
            offset, std::max<uint32_t>(1, static_cast<uint32_t>(found.size()))));
      after = after_statement(prev == ';' || prev == '}' ? Tail::None : s.tail,
                              in_block);
      expected.message = after.message.c_str();
      expected.keywords = after.keywords.c_str();
      expected.after_expression = after.after_expression;
    }
    throw syntax_error(s.source, s.prev_begin, s.prev_end, offset, expected);
  }
};

}  // namespace

Program parse(const Source& source, Diagnostics& diagnostics) {
  ParseState state(source);
  pg::memory_input in(source.text.data(), source.text.size(), source.name);
  try {
    pg::parse<g::program, action, control>(in, state);
  } catch (const ParseFailure& failure) {
    Diagnostic& d = diagnostics.error(failure.kind, failure.loc, failure.args);
    d.suggestion = failure.suggestion;
    return {};
  }
  return std::move(state.program);
}

bool needs_more_input(const Source& source) {
  ParseState state(source);
  pg::memory_input in(source.text.data(), source.text.size(), source.name);
  try {
    pg::parse<g::program, action, control>(in, state);
  } catch (const ParseFailure&) {
    return state.ran_out;
  }
  return false;
}

}  // namespace ovsq::frontend
