#pragma once
// Diagnostics about query text: kind, position, message and an optional
// "did you mean" suggestion, rendered as
//
//   idle.ovsq:1:32: error: unknown enum constant 'FDR_FLOW_IDEL'; did you mean 'FDR_FLOW_IDLE'?
//   on flow_result where reason == FDR_FLOW_IDEL print ufid
//                                  ^~~~~~~~~~~~~
//
// Every kind is listed once in diagnostic_kinds.def.
#include <string>
#include <string_view>
#include <vector>

#include "frontend/source.h"

namespace ovsq::frontend {

enum class DiagnosticKind {
#define DIAGNOSTIC(Kind, Format) Kind,
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

const char* diagnostic_name(DiagnosticKind kind);  // "UnknownProbe"

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

  // Records an error.  `args` fill the kind's {0}, {1}, ... in order.  The
  // returned reference is valid until the next error is recorded.
  Diagnostic& error(DiagnosticKind kind, SourceLoc loc,
                    std::vector<std::string> args = {});
  // Records an error with a suggestion from `candidates` for `wrong`.
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
