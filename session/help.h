#pragma once
// The session's `.help TOPIC` texts.  Lists come from the tables they
// describe (builtins, functions, flow-key fields, statements), so a new
// builtin shows up here without an edit.
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::session {

// The topics, in the order `.help` lists them: "statements", "builtins",
// "functions", "limits", "output", "keys", ...
std::vector<std::string> help_topics();

// One line per topic, for `.help`'s list.
std::string help_topic_summary(std::string_view topic);

// `.help TOPIC`; an empty topic gives the topics with their summaries.
// Throws UserError with a did-you-mean (or the list of topics) for an
// unknown topic.
std::string help_text(std::string_view topic);

}  // namespace ovsq::session
