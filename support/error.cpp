#include "support/error.h"

#include <cstring>

namespace ovsq {

void throw_errno(const std::string& message, int errnum) {
  throw UserError(message + ": " + std::strerror(errnum));
}

}  // namespace ovsq
