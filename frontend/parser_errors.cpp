// Syntax error messages (frontend/parser_errors.h): what the parser
// expected, worded after the token before the error, spanning the word or
// character found instead, with "did you mean" for a misspelt keyword.
#include "frontend/parser_errors.h"

#include "frontend/grammar.h"

namespace ovsq::frontend::parser_detail {

namespace g = grammar;

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

bool starts_token(char c) {
  return is_word_char(c) ||
         std::string_view("(),;!-~+*/%<>=&|^.\"@[]{}").find(c) !=
             std::string_view::npos;
}

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

bool is_one_of(std::string_view word, const char* words) {
  for (const std::string& w : split_words(words))
    if (w == word) return true;
  return false;
}

ParseFailure syntax_failure(SourceLoc loc, std::string message,
                            std::string suggestion) {
  return parse_failure<DiagnosticKind::SyntaxError>(loc, {std::move(message)},
                                                    std::move(suggestion));
}

ParseFailure syntax_error(const Source& source, uint32_t prev_begin,
                          uint32_t prev_end, uint32_t offset,
                          const g::Expectation& expected) {
  std::string_view text = source.text;
  std::string message = replace(
      expected.message, "{prev}",
      text.substr(prev_begin, prev_end - prev_begin));
  auto error = [](SourceLoc loc, std::string msg, std::string suggestion = {}) {
    return syntax_failure(loc, std::move(msg), std::move(suggestion));
  };

  if (offset >= text.size()) {
    // At the end, the caret goes just after the last token.
    return error(source.loc_at(expected.in_token ? offset : prev_end),
                 message);
  }
  char c = text[offset];
  uint32_t word_end = offset;
  while (word_end < text.size() && is_word_char(text[word_end])) ++word_end;

  if (message.find("{word}") != std::string::npos) {
    uint32_t word_begin = offset;
    while (word_begin > 0 && is_word_char(text[word_begin - 1])) --word_begin;
    return error(source.loc_at(word_begin, word_end - word_begin),
                 replace(message, "{word}",
                         text.substr(word_begin, word_end - word_begin)));
  }
  if (!expected.in_token && !starts_token(c)) {
    auto [shown, length] = describe_char(text, offset);
    return error(source.loc_at(offset, length),
                 "unexpected character '" + shown + "'");
  }
  if (expected.after_expression && c == '=')
    return error(source.loc_at(offset), "unexpected '='", "==");
  if (expected.after_expression && c == ')')
    return error(source.loc_at(offset), "unmatched ')'");
  if (word_end > offset) {
    std::string_view found = text.substr(offset, word_end - offset);
    return error(source.loc_at(offset, word_end - offset), message,
                 nearest_name(found, split_words(expected.keywords)));
  }
  return error(source.loc_at(offset), message);
}

AfterStatement after_statement(Tail tail, bool in_block) {
  std::string what = in_block ? "a statement or '}'" : "a new clause or a run limit";
  std::string keywords = in_block ? grammar::kStatementKeywords.c_str() : grammar::kTopKeywords;
  bool after_expression = tail == Tail::PrintList || tail == Tail::ByList ||
                          tail == Tail::Expression;
  switch (tail) {
    case Tail::PrintList:
      return {"expected ',', " + what + " after the print list",
              "as " + keywords, true};
    case Tail::Aggregation:
      return {"expected 'by', " + what + " after the aggregation",
              "by " + keywords, false};
    case Tail::ByList:
      return {"expected ',', " + what + " after the 'by' list", keywords, true};
    default:
      break;
  }
  return {in_block ? "expected a statement or '}'"
                   : g::expectation<g::next_item>.message,
          keywords, after_expression};
}

}  // namespace ovsq::frontend::parser_detail
