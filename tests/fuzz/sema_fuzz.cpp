// libFuzzer target: query text -> parser -> sema against the simulator's
// USDT notes and DWARF (read once).  Every input must end in a typed AST
// or in diagnostics that render.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "frontend/sema.h"
#include "frontend/source.h"
#include "probes/debug_info.h"
#include "probes/usdt_notes.h"

namespace {

// The binary sema reads: $OVSQ_SIM, else the simulator of this build.
const char* sim_path() {
  const char* path = std::getenv("OVSQ_SIM");
  return path ? path : OVSQ_FUZZ_SIM;
}

struct Target {
  ovsq::probes::UsdtNotes notes = ovsq::probes::read_usdt_notes(sim_path());
  std::unique_ptr<ovsq::probes::DebugInfo> debug_info =
      ovsq::probes::DebugInfo::open(sim_path(), {});
};

Target& target() {
  static Target* t = new Target;  // read once, kept for the whole run
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  target();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ovsq::frontend;
  Source source{"fuzz.ovsq", std::string(reinterpret_cast<const char*>(data), size)};
  Diagnostics diagnostics(source);
  Program program = parse(source, diagnostics);
  if (!diagnostics.has_errors()) {
    Sema sema(target().notes, *target().debug_info, diagnostics);
    if (sema.check(program)) dump(program);
  }
  diagnostics.render();
  return 0;
}
