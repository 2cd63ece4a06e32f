#pragma once
// The parser's errors (frontend/parser.cpp): the failure a parse stops
// with, and the wording of syntax errors.  The control class in parser.cpp
// picks the case for the expect<> that failed (it knows the rule); what
// is here turns that into the message, its span and "did you mean".
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontend/diagnostics.h"

namespace ovsq::frontend {

namespace grammar {
struct Expectation;
}

namespace parser_detail {

// A parse stops at the first error; this carries it out to parse().
struct ParseFailure {
  DiagnosticKind kind;
  SourceLoc loc;
  std::vector<std::string> args;
  std::string suggestion;
};

// A ParseFailure of kind K, its arguments counted when the call compiles.
template <DiagnosticKind K>
ParseFailure parse_failure(SourceLoc loc, DiagnosticArgs<K> args = {},
                           std::string suggestion = {}) {
  return ParseFailure{K, loc, std::move(args.values), std::move(suggestion)};
}

// What the last statement ended with, for the message when what follows
// it is wrong (a print list could go on with ',', an aggregation with
// 'by', ...).
enum class Tail {
  None, PrintList, Aggregation, ByList, Expression, Other, RunLimit
};

// [A-Za-z0-9_]
bool is_word_char(char c);

// Characters that start some token of the language.
bool starts_token(char c);

// The character at `offset` as it should appear in a message, and its
// length in bytes (a whole UTF-8 sequence).
std::pair<std::string, uint32_t> describe_char(std::string_view text,
                                               uint32_t offset);

// `text` with the first `placeholder` in it replaced by `value`.
std::string replace(std::string text, std::string_view placeholder,
                    std::string_view value);

// The space-separated words of `text`.
std::vector<std::string> split_words(std::string_view text);

// Whether `word` is one of the space-separated `words`.
bool is_one_of(std::string_view word, const char* words);

// A SyntaxError with `message` as its text.
ParseFailure syntax_failure(SourceLoc loc, std::string message,
                            std::string suggestion = {});

// The syntax error for `expected` not being found at `offset`; the last
// token matched before it is [prev_begin, prev_end).
ParseFailure syntax_error(const Source& source, uint32_t prev_begin,
                          uint32_t prev_end, uint32_t offset,
                          const grammar::Expectation& expected);

// What may follow a statement that ended a bare action (at the top level)
// or stands in a block, worded after how that statement ended.
struct AfterStatement {
  std::string message;
  std::string keywords;
  bool after_expression;
};

AfterStatement after_statement(Tail tail, bool in_block);

}  // namespace parser_detail
}  // namespace ovsq::frontend
