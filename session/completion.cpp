#include "session/completion.h"

namespace ovsq::session {
// TODO(completion): stub until the completion work lands.
Completion complete(std::string_view, const CompletionContext&) { return {}; }
}  // namespace ovsq::session
