#include "frontend/diagnostics.h"

#include <algorithm>
#include <cctype>

namespace ovsq::frontend {

namespace {

struct KindInfo {
  const char* name;
  const char* format;
};

constexpr KindInfo kKinds[] = {
#define DIAGNOSTIC(Kind, Format) {#Kind, Format},
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

const KindInfo& info(DiagnosticKind kind) {
  return kKinds[static_cast<size_t>(kind)];
}

// Fills {0}, {1}, ... in `format` from `args`; a placeholder without an
// argument is left as written.
std::string format_message(std::string_view format,
                           const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{') {
      size_t close = format.find('}', i);
      if (close != std::string_view::npos && close > i + 1) {
        std::string_view digits = format.substr(i + 1, close - i - 1);
        if (std::all_of(digits.begin(), digits.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
          size_t index = std::stoul(std::string(digits));
          if (index < args.size()) {
            out += args[index];
            i = close;
            continue;
          }
        }
      }
    }
    out += format[i];
  }
  return out;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance, ignoring case: Levenshtein's edits
// (insert, delete, substitute) plus the swap of two adjacent characters,
// each one edit, so the commonest typo, "ufdi" for "ufid", is one away.
size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the full matrix: a swap looks back two rows.
  std::vector<size_t> before(b.size() + 1), above(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) above[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = above[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, above);
    std::swap(above, row);
  }
  return above[b.size()];
}

// "; did you mean 'X'?", or "" without a suggestion.
std::string did_you_mean_note(const std::string& suggestion) {
  if (suggestion.empty()) return "";
  return "; " + format_message(info(DiagnosticKind::DidYouMean).format,
                               {suggestion});
}

// A UTF-8 continuation byte takes no column of its own on a terminal.
bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

const char* diagnostic_name(DiagnosticKind kind) { return info(kind).name; }

std::string nearest_name(std::string_view wrong,
                         const std::vector<std::string>& candidates) {
  size_t limit = std::max<size_t>(1, wrong.size() / 3);
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == wrong) continue;  // suggesting the same name is no help
    size_t distance = edit_distance(wrong, candidate);
    if (distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best ? *best : std::string();
}

std::string diagnostic_message(DiagnosticKind kind,
                               const std::vector<std::string>& args) {
  return format_message(info(kind).format, args);
}

std::string with_did_you_mean(std::string message, std::string_view wrong,
                              const std::vector<std::string>& candidates) {
  return message + did_you_mean_note(nearest_name(wrong, candidates));
}

Diagnostic& Diagnostics::error(DiagnosticKind kind, SourceLoc loc,
                               std::vector<std::string> args) {
  list_.push_back(
      Diagnostic{kind, loc, format_message(info(kind).format, args), {}});
  return list_.back();
}

Diagnostic& Diagnostics::error_with_suggestion(
    DiagnosticKind kind, SourceLoc loc, std::vector<std::string> args,
    std::string_view wrong, const std::vector<std::string>& candidates) {
  Diagnostic& d = error(kind, loc, std::move(args));
  d.suggestion = nearest_name(wrong, candidates);
  return d;
}

std::string Diagnostics::render(const Diagnostic& d) const {
  std::string out = source_.name + ":" + std::to_string(d.loc.line) + ":" +
                    std::to_string(d.loc.column) + ": error: " + d.message;
  out += did_you_mean_note(d.suggestion);
  std::string_view line = source_.line_text(d.loc.line);
  out += "\n";
  out += line;
  out += "\n";

  // The caret line: tabs stay tabs so the caret lines up under them, and a
  // multi-byte UTF-8 character takes one column.
  size_t start = d.loc.column - 1;
  for (size_t i = 0; i < start; ++i) {
    if (i >= line.size()) out += ' ';
    else if (line[i] == '\t') out += '\t';
    else if (!is_continuation(line[i])) out += ' ';
  }
  out += '^';
  // Tildes cover the rest of the span, but never run past the line.
  size_t end = std::min<size_t>(start + d.loc.length, line.size());
  size_t columns = 0;
  for (size_t i = start; i < end; ++i)
    if (!is_continuation(line[i])) ++columns;
  if (columns > 1) out.append(columns - 1, '~');
  return out;
}

std::string Diagnostics::render() const {
  std::string out;
  for (const Diagnostic& d : list_) {
    out += render(d);
    out += '\n';
  }
  return out;
}

}  // namespace ovsq::frontend
