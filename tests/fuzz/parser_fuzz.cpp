// libFuzzer target: query text -> parser.  Every input must end in a
// program or in diagnostics that render; never a crash, a hang or a leak.
// The session's needs_more_input() reads the same text first.
#include <cstddef>
#include <cstdint>
#include <string>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "frontend/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ovsq::frontend;
  Source source{"fuzz.ovsq", std::string(reinterpret_cast<const char*>(data), size)};
  needs_more_input(source);
  Diagnostics diagnostics(source);
  Program program = parse(source, diagnostics);
  if (diagnostics.has_errors())
    diagnostics.render();
  else
    dump(program);
  return 0;
}
