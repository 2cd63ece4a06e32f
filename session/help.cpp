#include "session/help.h"

namespace ovsq::session {
// TODO(help): stubs until the help work lands.
std::vector<std::string> help_topics() { return {}; }
std::string help_topic_summary(std::string_view) { return {}; }
std::string help_text(std::string_view) { return {}; }
}  // namespace ovsq::session
