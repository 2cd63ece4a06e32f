#include "session/completion_context.h"

#include <algorithm>
#include <cctype>

#include "frontend/builtins.h"

namespace ovsq::session {
namespace {

using Kind = LooseTokenKind;

bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

bool is_punct(const LooseToken& token, std::string_view text) {
  return token.kind == Kind::Punct && token.text == text;
}
bool is_member_op(const LooseToken& token) {
  return is_punct(token, "->") || is_punct(token, ".");
}
bool is_comparison(std::string_view op) {
  return op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
         op == ">=";
}

// The keywords of frontend/grammar.h (kTopKeywords,
// kStatementKeywords), which session/ cannot include: it does not
// depend on PEGTL.
std::vector<std::string> top_keywords() {
  return {"on", "begin", "end", "every", "for", "limit"};
}
std::vector<std::string> statement_keywords() {
  std::vector<std::string> words = {"print", "printf", "delete", "exit"};
  for (std::string& f : frontend::aggregation_functions()) words.push_back(std::move(f));
  return words;
}

// What the last token leaves the cursor before.
enum class Role {
  TopLevel, Probe, ProbePart, AfterProbes, StatementStart, Operand,
  OperandAfterAssign, OperandEnd, StatementEnd, Member, Comparison,
  DeleteTarget, Nothing,
};

// A left-to-right scan of the tokens before the cursor, following the
// grammar's clause and statement structure; expressions are only told
// apart as "an operand goes here" and "an operand ended here".
class Scan {
 public:
  enum class Phase { Top, ProbeList, Condition, Action, RunLimit };
  enum class Statement { None, Print, Aggregate, Other };

  void step(const LooseToken* prev, const LooseToken& token);

  Role role = Role::TopLevel;
  Phase phase = Phase::Top;
  Statement statement = Statement::None;
  bool seen_by = false;
  int depth = 0;
  std::vector<std::string> probes;

 private:
  void start_clause(Phase next) {
    probes.clear();
    depth = 0;
    phase = next;
    statement = Statement::None;
  }
  void start_statement(Statement kind) {
    phase = Phase::Action;
    statement = kind;
    seen_by = false;
  }
  // Aggregation names are keywords only where a statement starts, and a
  // map there is an assignment: after the probe list, `{`, `;`, `begin`,
  // or an operand that ends a condition or a statement in a block.
  bool statement_may_start() const {
    if (role == Role::StatementStart || role == Role::AfterProbes) return true;
    bool operand_ended = role == Role::OperandEnd || role == Role::StatementEnd;
    return operand_ended && (phase == Phase::Condition ||
                             (phase == Phase::Action && depth > 0));
  }
};

void Scan::step(const LooseToken* prev, const LooseToken& token) {
  const std::string_view s = token.text;
  if (token.kind == Kind::Word) {
    // A member (or a probe's second half) may be any word, keywords too.
    if (prev && is_member_op(*prev)) {
      role = Role::OperandEnd;
    } else if (role == Role::Probe) {
      probes.emplace_back(s);
      role = Role::AfterProbes;
    } else if (role == Role::ProbePart) {
      if (!probes.empty()) probes.back() += ":" + std::string(s);
      role = Role::AfterProbes;
    } else if (s == "on") {
      start_clause(Phase::ProbeList);
      role = Role::Probe;
    } else if (s == "begin" || s == "end") {
      start_clause(Phase::Action);
      role = Role::StatementStart;
    } else if (s == "every" || s == "for" || s == "limit") {
      start_clause(Phase::RunLimit);
      role = Role::Nothing;
    } else if (s == "where" && role == Role::AfterProbes) {
      phase = Phase::Condition;
      role = Role::Operand;
    } else if (s == "print") {
      start_statement(Statement::Print);
      role = Role::Operand;
    } else if (s == "printf" || s == "delete" || s == "exit") {
      start_statement(Statement::Other);
      role = s == "printf"   ? Role::Nothing
             : s == "delete" ? Role::DeleteTarget
                             : Role::StatementEnd;
    } else if (frontend::is_aggregation_function(s) && statement_may_start()) {
      start_statement(Statement::Aggregate);
      role = Role::StatementEnd;
    } else if (s == "by") {
      seen_by = true;
      role = Role::Operand;
    } else if (s == "as") {
      role = Role::Nothing;  // a new column name
    } else if (s == "and" || s == "or" || s == "not") {
      role = Role::Operand;
    } else {
      role = Role::OperandEnd;
    }
    return;
  }
  if (token.kind == Kind::Map) {
    if (statement_may_start()) start_statement(Statement::Other);
    role = Role::OperandEnd;
  } else if (token.kind == Kind::Number && phase == Phase::RunLimit) {
    phase = Phase::Top;
    role = Role::TopLevel;
  } else if (token.kind != Kind::Punct || s == ")" || s == "]") {
    role = Role::OperandEnd;
  } else if (role == Role::AfterProbes && (s == "," || s == ":")) {
    role = s == "," ? Role::Probe : Role::ProbePart;
  } else if (s == ":") {
    role = Role::Nothing;  // inside an address literal: fe80::1
  } else if (s == "{") {
    ++depth;
    start_statement(Statement::None);
    role = Role::StatementStart;
  } else if (s == "}" || s == ";") {
    if (s == "}") depth = std::max(0, depth - 1);
    if (depth == 0) {
      phase = Phase::Top;
      role = Role::TopLevel;
    } else {
      statement = Statement::None;
      role = Role::StatementStart;
    }
  } else if (s == "(" && prev && prev->kind == Kind::Word && prev->text == "printf") {
    role = Role::Nothing;  // the format string
  } else if (is_member_op(token)) {
    role = Role::Member;
  } else if (is_comparison(s)) {
    role = Role::Comparison;
  } else {
    role = s == "=" ? Role::OperandAfterAssign : Role::Operand;
  }
}

// The name and members that end just before tokens[end].
MemberChain chain_ending_at(const std::vector<LooseToken>& tokens, size_t end) {
  MemberChain chain;
  while (end > 0 && tokens[end - 1].kind == Kind::Word) {
    const LooseToken& name = tokens[end - 1];
    if (end < 2 || !is_member_op(tokens[end - 2])) {
      chain.base = name.text;
      std::reverse(chain.steps.begin(), chain.steps.end());
      return chain;
    }
    chain.steps.push_back({tokens[end - 2].text == "->", std::string(name.text)});
    end -= 2;
  }
  return {};
}

// After a whole operand (or a statement keyword that takes none, `exit`,
// a bare `count`): the keywords that continue the expression or the
// statement, and what may start the next statement or clause.
void after_operand(const Scan& scan, CursorContext& cursor) {
  std::vector<std::string>& words = cursor.keywords;
  if (scan.role == Role::OperandEnd) words = {"and", "or"};
  if (scan.statement == Scan::Statement::Print) words.push_back("as");
  if (scan.statement == Scan::Statement::Aggregate && !scan.seen_by)
    words.push_back("by");
  const bool statement_next = scan.phase == Scan::Phase::Condition ||
                              (scan.phase == Scan::Phase::Action && scan.depth > 0);
  cursor.position = statement_next ? CursorPosition::StatementStart : CursorPosition::Keyword;
  for (std::string& word : statement_next ? statement_keywords() : top_keywords())
    words.push_back(std::move(word));
}

}  // namespace

LooseTokens tokenize_loosely(std::string_view text) {
  static constexpr std::string_view kTwoCharOps[] = {
      "->", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||"};
  LooseTokens out;
  size_t i = 0;
  const size_t n = text.size();
  auto take = [&](Kind kind, size_t begin) {
    out.tokens.push_back({kind, text.substr(begin, i - begin), begin});
  };
  while (i < n) {
    const size_t begin = i;
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) out.ends_in_literal = true;
      i = std::min(i, n);
    } else if (c == '"') {
      for (++i; i < n && text[i] != '"' && text[i] != '\n';)
        i += text[i] == '\\' ? 2 : 1;
      if (i >= n) {
        out.ends_in_literal = true;
        break;
      }
      if (text[i] == '"') ++i;  // else unterminated: it ends at the newline
      take(Kind::String, begin);
    } else if (is_digit(c)) {
      // Integers, durations and addresses (10.0.0.1, 2001:db8::1, MACs
      // from a digit) are one token.
      while (i < n && (is_word_char(text[i]) || text[i] == '.' || text[i] == ':')) ++i;
      take(Kind::Number, begin);
    } else if (is_word_start(c)) {
      while (i < n && is_word_char(text[i])) ++i;
      if (text.substr(begin, i - begin) == "ufid" && i < n && text[i] == ':') {
        for (++i; i < n && (std::isxdigit(static_cast<unsigned char>(text[i])) ||
                            text[i] == '-');)
          ++i;
        take(Kind::Number, begin);  // ufid:8c92d6db-...
      } else {
        take(Kind::Word, begin);
      }
    } else if (c == '@' && i + 1 < n && is_word_start(text[i + 1])) {
      for (++i; i < n && is_word_char(text[i]);) ++i;
      take(Kind::Map, begin);
    } else {
      i += std::any_of(std::begin(kTwoCharOps), std::end(kTwoCharOps),
                       [&](std::string_view op) { return text.substr(i, 2) == op; })
               ? 2
               : 1;
      take(Kind::Punct, begin);
    }
  }
  return out;
}

CursorContext analyze_cursor(std::string_view text) {
  CursorContext cursor;
  size_t start = text.size();
  while (start > 0 && is_word_char(text[start - 1])) --start;
  cursor.word_start = start;
  cursor.word = text.substr(start);
  if (!cursor.word.empty() && is_digit(cursor.word.front())) return cursor;

  const LooseTokens lexed = tokenize_loosely(text.substr(0, start));
  const std::vector<LooseToken>& tokens = lexed.tokens;
  if (lexed.ends_in_literal) return cursor;
  for (const LooseToken& token : tokens)
    if (token.kind == Kind::Map) cursor.maps.emplace_back(token.text);
  if (start > 0 && text[start - 1] == '@') {
    cursor.position = CursorPosition::MapName;
    cursor.word_start = start - 1;
    cursor.word = text.substr(start - 1);
    return cursor;
  }
  // A word glued to a number or a string is part of it (10ms, ufid:ab).
  if (!tokens.empty() && tokens.back().offset + tokens.back().text.size() == start &&
      (tokens.back().kind == Kind::Number || tokens.back().kind == Kind::String))
    return cursor;

  Scan scan;
  for (size_t i = 0; i < tokens.size(); ++i)
    scan.step(i > 0 ? &tokens[i - 1] : nullptr, tokens[i]);
  cursor.clause_probes = scan.probes;

  using P = CursorPosition;
  switch (scan.role) {
    case Role::TopLevel:
      cursor.position = P::TopLevel;
      cursor.keywords = top_keywords();
      break;
    case Role::Probe: cursor.position = P::ProbeName; break;
    case Role::ProbePart:
      // `on revalidate:fl`: complete provider:name as one word.
      cursor.position = P::ProbeName;
      cursor.word_start = tokens[tokens.size() - 2].offset;
      cursor.word = text.substr(cursor.word_start);
      cursor.clause_probes.pop_back();
      break;
    case Role::AfterProbes:
      cursor.position = P::StatementStart;
      cursor.keywords = statement_keywords();
      cursor.keywords.push_back("where");
      break;
    case Role::StatementStart:
      cursor.position = P::StatementStart;
      cursor.keywords = statement_keywords();
      break;
    case Role::OperandAfterAssign:
      cursor.keywords = frontend::aggregation_functions();
      [[fallthrough]];
    case Role::Operand:
      cursor.position = P::Operand;
      cursor.keywords.push_back("not");
      break;
    case Role::OperandEnd:
    case Role::StatementEnd:
      after_operand(scan, cursor);
      break;
    case Role::Member:
      cursor.position = P::Member;
      cursor.arrow = tokens.back().text == "->";
      cursor.chain = chain_ending_at(tokens, tokens.size() - 1);
      break;
    case Role::Comparison:
      cursor.position = P::ComparedValue;
      cursor.keywords = {"not"};
      cursor.chain = chain_ending_at(tokens, tokens.size() - 1);
      break;
    case Role::DeleteTarget: cursor.position = P::DeleteTarget; break;
    case Role::Nothing: break;
  }
  return cursor;
}

std::optional<CommandLine> parse_command_line(std::string_view text) {
  const size_t newline = text.rfind('\n');
  const size_t line = newline == std::string_view::npos ? 0 : newline + 1;
  const size_t dot = text.find_first_not_of(" \t", line);
  if (dot == std::string_view::npos || text[dot] != '.') return std::nullopt;
  CommandLine command;
  command.name_start = dot;
  const size_t name_end = std::min(text.find_first_of(" \t", dot), text.size());
  command.name = text.substr(dot + 1, name_end - dot - 1);
  command.has_argument = name_end < text.size();
  command.argument_start =
      std::min(text.find_first_not_of(" \t", name_end), text.size());
  command.argument = text.substr(command.argument_start);
  return command;
}

}  // namespace ovsq::session
