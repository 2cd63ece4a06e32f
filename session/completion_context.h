#pragma once
// Where the cursor stands in an unfinished query, for session/completion:
// a loose tokenizer and a scan over its tokens that follows the grammar
// (frontend/grammar.h) only as far as completion needs.  Loose because the
// text is unfinished by definition: nothing here fails, an odd token just
// leaves the cursor somewhere with fewer candidates.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::session {

enum class LooseTokenKind {
  Word,    // flow_result, where, ukey
  Number,  // 42, 0x2a, 10ms, 10.0.0.1, ufid:89025cc1-...: never completed
  String,  // "..."
  Map,     // @born
  Punct,   // -> == ( , ; { and any other operator character
};

struct LooseToken {
  LooseTokenKind kind = LooseTokenKind::Punct;
  std::string_view text;
  size_t offset = 0;
};

struct LooseTokens {
  std::vector<LooseToken> tokens;
  // The text ends inside a string literal or a `#` comment.
  bool ends_in_literal = false;
};

// Splits `text`, skipping blanks and comments; never fails.
LooseTokens tokenize_loosely(std::string_view text);

enum class CursorPosition {
  Nothing,         // in a string, a comment or a number; after `as`,
                   // `printf`, a run limit's keyword
  TopLevel,        // where a clause or a run limit starts
  ProbeName,       // after `on`, or a comma or ':' in its probe list
  Keyword,         // where only keywords fit: after a whole operand that
                   // ends a clause
  StatementStart,  // where a statement may start (after the probe list,
                   // `{`, `;`, `begin`, `end`, a condition, a statement
                   // in a block): keywords and map assignments
  Operand,         // where an expression starts
  Member,          // after `->` or `.`
  ComparedValue,   // after == != < <= > >=: the other operand
  MapName,         // right after '@'
  DeleteTarget,    // after `delete`: a map
};

// `ukey->stats.n_packets` as base "ukey" and steps {->stats, .n_packets}.
struct MemberStep {
  bool arrow = false;
  std::string name;
};
struct MemberChain {
  std::string base;  // empty when the operand is not a name (`(a)->`)
  std::vector<MemberStep> steps;
};

struct CursorContext {
  CursorPosition position = CursorPosition::Nothing;
  // The word being completed is text[word_start, end): candidates must
  // start with `word` and replace it.  For MapName it includes the '@';
  // for a probe's provider:name, the provider and ':'.
  size_t word_start = 0;
  std::string_view word;
  // The keywords that fit here (at an operand, `not`, and after the `=`
  // of a map assignment the aggregation functions).
  std::vector<std::string> keywords;
  // The probes of the clause the cursor is in, as written; empty in
  // `begin`, `end` and outside any clause.
  std::vector<std::string> clause_probes;
  // The maps named before the cursor, with their '@'.
  std::vector<std::string> maps;
  // Member: the operand before the final `->`/`.` (arrow says which).
  // ComparedValue: the operand before the comparison.
  MemberChain chain;
  bool arrow = false;
};

CursorContext analyze_cursor(std::string_view text);

// A dot-command line (the text's last line starts with '.'):
// `.describe flow_r` is name "describe" and argument "flow_r".
struct CommandLine {
  size_t name_start = 0;        // the '.'
  std::string_view name;        // without the '.'
  bool has_argument = false;    // blanks follow the name
  size_t argument_start = 0;    // first character after those blanks
  std::string_view argument;    // text[argument_start, end)
};
std::optional<CommandLine> parse_command_line(std::string_view text);

}  // namespace ovsq::session
