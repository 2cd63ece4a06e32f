#pragma once
// The `.help` texts made from the tables they describe (help.cpp has the
// hand-written ones and the topic list): a new builtin, function,
// flow-key field or probe shows up in them without an edit here.
#include <string>

namespace ovsq::session::help {

std::string builtins_text();
std::string functions_text();
std::string keys_text();
std::string probes_text();

}  // namespace ovsq::session::help
