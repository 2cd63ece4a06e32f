#pragma once
// Diagnostics about query text: kind, position, message and an optional
// "did you mean" suggestion, rendered as
//
//   idle.ovsq:1:32: error: unknown enum constant 'FDR_FLOW_IDEL'; did you mean 'FDR_FLOW_IDLE'?
//   on flow_result where reason == FDR_FLOW_IDEL print ufid
//                                  ^~~~~~~~~~~~~
//
// Every kind is listed once in diagnostic_kinds.def.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontend/source.h"

namespace ovsq::frontend {

enum class DiagnosticKind {
#define DIAGNOSTIC(Kind, Format) Kind,
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

const char* diagnostic_name(DiagnosticKind kind);  // "UnknownProbe"

// How many arguments a format takes: one more than its highest {N}.
constexpr size_t format_argument_count(std::string_view format) {
  size_t count = 0;
  for (size_t i = 0; i + 2 < format.size(); ++i)
    if (format[i] == '{' && format[i + 1] >= '0' && format[i + 1] <= '9' &&
        format[i + 2] == '}')
      count = std::max<size_t>(count, size_t(format[i + 1] - '0') + 1);
  return count;
}

inline constexpr size_t kDiagnosticArgumentCounts[] = {
#define DIAGNOSTIC(Kind, Format) format_argument_count(Format),
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

constexpr size_t diagnostic_argument_count(DiagnosticKind kind) {
  return kDiagnosticArgumentCounts[static_cast<size_t>(kind)];
}

// The arguments of a diagnostic of kind K, `{a, b}` at the call: exactly
// as many as K's format takes, or the call does not compile.
template <DiagnosticKind K>
struct DiagnosticArgs {
  std::vector<std::string> values;

  template <class... Args>
  DiagnosticArgs(Args&&... args) : values{std::string(std::forward<Args>(args))...} {
    static_assert(sizeof...(Args) == diagnostic_argument_count(K),
                  "the diagnostic's format (diagnostic_kinds.def) takes another "
                  "number of arguments");
  }
};

struct Diagnostic {
  DiagnosticKind kind;
  SourceLoc loc;
  std::string message;     // formatted from the kind's format
  std::string suggestion;  // nearest valid name, or empty
};

// The valid name nearest to `wrong` by edit distance, if it is near enough
// to be a likely typo (distance <= max(1, len/3)); empty otherwise.
std::string nearest_name(std::string_view wrong,
                         const std::vector<std::string>& candidates);

// A kind's message with `args` in its {0}, {1}, ..., as Diagnostics::error
// words it, for the same fault reported with no position.
std::string diagnostic_message(DiagnosticKind kind,
                               const std::vector<std::string>& args);

// `message`, then the "did you mean" note of a rendered diagnostic when a
// name in `candidates` is near `wrong` (nearest_name): "unknown probe
// 'flow_reslt'; did you mean 'flow_result'?".  For names typed outside
// query text (the session's dot-commands), reported as a UserError.
std::string with_did_you_mean(std::string message, std::string_view wrong,
                              const std::vector<std::string>& candidates);

class Diagnostics {
 public:
  explicit Diagnostics(const Source& source) : source_(source) {}

  // Records an error of kind K.  `args` fill the kind's {0}, {1}, ... in
  // order; their number is checked when the call compiles.  The returned
  // reference is valid until the next error is recorded.
  template <DiagnosticKind K>
  Diagnostic& error(SourceLoc loc, DiagnosticArgs<K> args = {}) {
    return error(K, loc, std::move(args.values));
  }
  // Records an error with a suggestion from `candidates` for `wrong`.
  template <DiagnosticKind K>
  Diagnostic& error_with_suggestion(SourceLoc loc, DiagnosticArgs<K> args,
                                    std::string_view wrong,
                                    const std::vector<std::string>& candidates) {
    return error_with_suggestion(K, loc, std::move(args.values), wrong, candidates);
  }

  // The same for a kind known only at run time (a parse failure carried up
  // to the parser's entry): its arguments are not checked.
  Diagnostic& error(DiagnosticKind kind, SourceLoc loc,
                    std::vector<std::string> args = {});
  Diagnostic& error_with_suggestion(DiagnosticKind kind, SourceLoc loc,
                                    std::vector<std::string> args,
                                    std::string_view wrong,
                                    const std::vector<std::string>& candidates);

  bool has_errors() const { return !list_.empty(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  const Source& source() const { return source_; }

  // All diagnostics rendered as in the header comment, one after another,
  // each ending with a newline ("" when there are none).
  std::string render() const;
  // One diagnostic: three lines (message, source line, caret line) with no
  // newline after the last.  Tabs before the column are repeated in the
  // caret line so the caret lines up; the ~s stop at the end of the line.
  std::string render(const Diagnostic& d) const;

 private:
  const Source& source_;
  std::vector<Diagnostic> list_;
};

}  // namespace ovsq::frontend
