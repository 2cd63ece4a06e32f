#pragma once
// Errors that reach the user as one clear line and a non-zero exit.
//
// A UserError is thrown for bad input that is not query text: a missing or
// stripped binary, no debug info, no such process, no permission.  Faults
// in query text are not UserErrors: they go through frontend/diagnostics so
// they carry file:line:col and a caret.
#include <stdexcept>
#include <string>

namespace ovsq {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message)
      : std::runtime_error(message) {}
};

// "message: strerror(errnum)"
[[noreturn]] void throw_errno(const std::string& message, int errnum);

}  // namespace ovsq
