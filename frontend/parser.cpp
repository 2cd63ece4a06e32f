// Query text -> untyped AST: PEGTL actions build the tree on a stack of
// expressions; the control class turns a failed expect<> into the one
// syntax error of the parse.
#include "frontend/parser.h"

#include <string_view>
#include <utility>

#include "frontend/grammar.h"

namespace ovsq::frontend {

namespace {

namespace pg = tao::pegtl;
namespace g = grammar;

// A parse stops at the first error; this carries it out to parse().
struct ParseFailure {
  DiagnosticKind kind;
  SourceLoc loc;
  std::vector<std::string> args;
  std::string suggestion;
};

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

  // Expressions being built, each with where its text starts (which is
  // before its own loc when it was written in parentheses).
  struct Pending {
    ExprPtr expr;
    uint32_t begin;
  };
  std::vector<Pending> exprs;
  std::string member;
  SourceLoc member_loc;

  // The clause being built.
  std::vector<ProbeRef> probes;
  ExprPtr predicate;
  std::vector<PrintItem> items;
  std::vector<Stmt> actions;

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
};

// ---- actions -----------------------------------------------------------

template <class Rule> struct action : pg::nothing<Rule> {};

template <class Raw> struct action<g::raw<Raw>> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.prev_begin = s.offset(in);
    s.prev_end = s.prev_begin + static_cast<uint32_t>(in.size());
  }
};

template <> struct action<g::integer> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    std::string_view text(in.begin(), in.size());
    std::string_view digits = text;
    uint64_t radix = 10;
    if (text.size() > 2 && (text[1] == 'x' || text[1] == 'X')) {
      radix = 16;
      digits.remove_prefix(2);
    }
    uint64_t value = 0;
    for (char c : digits) {
      uint64_t d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      if (value > (UINT64_MAX - d) / radix)
        throw ParseFailure{DiagnosticKind::IntegerTooLarge, s.loc(in),
                           {std::string(text)}, {}};
      value = value * radix + d;
    }
    s.push(s.offset(in), s.offset(in) + in.size(), IntLiteral{value});
  }
};

template <> struct action<g::name_expr> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.push(s.offset(in), s.offset(in) + in.size(), Identifier{in.string()});
  }
};

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

template <> struct action<g::print_item> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    SourceLoc text = s.loc_from(s.offset(in));
    s.items.push_back(
        PrintItem{s.pop().expr, std::string(s.source.text_at(text))});
  }
};

template <> struct action<g::print_stmt> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    s.actions.push_back(
        PrintStmt{s.loc_from(s.offset(in)), std::exchange(s.items, {})});
  }
};

template <> struct action<g::clause> {
  template <class Input> static void apply(const Input& in, ParseState& s) {
    Clause clause;
    clause.loc = s.loc_from(s.offset(in));
    clause.probes = std::exchange(s.probes, {});
    clause.predicate = std::move(s.predicate);
    clause.actions = std::exchange(s.actions, {});
    s.program.clauses.push_back(std::move(clause));
  }
};

// ---- syntax errors -----------------------------------------------------

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Characters that start some token of the language.
bool starts_token(char c) {
  return is_word_char(c) ||
         std::string_view("(),;!-~+*/%<>=&|^.").find(c) != std::string_view::npos;
}

// The character at `offset` as it should appear in a message, and its
// length in bytes (a whole UTF-8 sequence).
std::pair<std::string, uint32_t> describe_char(std::string_view text,
                                               uint32_t offset) {
  auto byte = static_cast<unsigned char>(text[offset]);
  if (byte >= 0x21 && byte < 0x7f) return {std::string(1, text[offset]), 1};
  uint32_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
  if (length > 0 && offset + length <= text.size())
    return {std::string(text.substr(offset, length)), length};
  static const char hex[] = "0123456789abcdef";
  return {std::string("\\x") + hex[byte >> 4] + hex[byte & 15], 1};
}

std::string replace(std::string text, std::string_view placeholder,
                    std::string_view value) {
  size_t at = text.find(placeholder);
  if (at != std::string::npos) text.replace(at, placeholder.size(), value);
  return text;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    size_t space = text.find(' ');
    words.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return words;
}

// The syntax error for `expected` not being found at `offset`.
ParseFailure syntax_error(const ParseState& s, uint32_t offset,
                          const g::Expectation& expected) {
  std::string_view text = s.source.text;
  std::string message = replace(
      expected.message, "{prev}",
      text.substr(s.prev_begin, s.prev_end - s.prev_begin));
  auto error = [](SourceLoc loc, std::string msg, std::string suggestion = {}) {
    return ParseFailure{DiagnosticKind::SyntaxError, loc, {std::move(msg)},
                        std::move(suggestion)};
  };

  if (offset >= text.size()) {
    // At the end, the caret goes just after the last token.
    return error(s.source.loc_at(expected.in_token ? offset : s.prev_end),
                 message);
  }
  char c = text[offset];
  uint32_t word_end = offset;
  while (word_end < text.size() && is_word_char(text[word_end])) ++word_end;

  if (message.find("{word}") != std::string::npos) {
    uint32_t word_begin = offset;
    while (word_begin > 0 && is_word_char(text[word_begin - 1])) --word_begin;
    return error(s.source.loc_at(word_begin, word_end - word_begin),
                 replace(message, "{word}",
                         text.substr(word_begin, word_end - word_begin)));
  }
  if (!expected.in_token && !starts_token(c)) {
    auto [shown, length] = describe_char(text, offset);
    return error(s.source.loc_at(offset, length),
                 "unexpected character '" + shown + "'");
  }
  if (expected.after_expression && c == '=')
    return error(s.source.loc_at(offset), "unexpected '='", "==");
  if (expected.after_expression && c == ')')
    return error(s.source.loc_at(offset), "unmatched ')'");
  if (word_end > offset) {
    std::string_view found = text.substr(offset, word_end - offset);
    return error(s.source.loc_at(offset, word_end - offset), message,
                 nearest_name(found, split_words(expected.keywords)));
  }
  return error(s.source.loc_at(offset), message);
}

constexpr int kMaxDepth = 256;

template <class Rule> struct control : pg::normal<Rule> {
  template <class Input> static void start(const Input& in, ParseState& s) {
    if constexpr (std::is_same_v<Rule, g::unary>) {
      if (++s.depth > kMaxDepth)
        throw ParseFailure{
            DiagnosticKind::SyntaxError,
            s.source.loc_at(static_cast<uint32_t>(in.current() - s.base)),
            {"expression nested too deeply"}, {}};
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
    if constexpr (std::is_same_v<Rule, g::first_clause>) {
      if (offset >= s.source.text.size())
        throw ParseFailure{DiagnosticKind::EmptyProgram, s.source.loc_at(0),
                           {}, {}};
    }
    g::Expectation expected = g::expectation<Rule>;
    if constexpr (std::is_same_v<Rule, g::next_clause>) {
      // After `;` the print list is over: only a clause can follow.
      if (s.source.text.substr(s.prev_begin, 1) == ";")
        expected = g::expectation<g::first_clause>;
    }
    throw syntax_error(s, offset, expected);
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

}  // namespace ovsq::frontend
