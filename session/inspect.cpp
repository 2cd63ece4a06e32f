#include "session/inspect.h"

namespace ovsq::session {
// TODO(inspect): stubs until the inspect work lands.
std::string describe_probes(const probes::UsdtNotes&, const std::string&) { return {}; }
std::string describe_probe(std::string_view, const probes::UsdtNotes&, probes::DebugInfo&,
                           const std::string&) { return {}; }
std::string describe_type(std::string_view, probes::DebugInfo&) { return {}; }
}  // namespace ovsq::session
