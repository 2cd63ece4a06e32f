#pragma once
// The command line, parsed with Boost.ProgramOptions.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "runtime/output.h"

namespace ovsq::driver {

enum class Emit { None, Ast, Ir, Asm, Obj };

struct Options {
  std::string query_text;   // -e
  std::string query_file;   // positional FILE.ovsq
  std::optional<pid_t> pid; // -p
  std::string binary;       // --binary
  std::string debug_file;   // --debug-file
  std::vector<std::string> debug_dirs;  // --debug-dir
  bool list = false;        // -l
  Emit emit = Emit::None;   // --emit
  std::string output;       // -o
  bool quiet = false;       // -q
  bool timings = false;     // --timings
  runtime::OutputFormat format = runtime::OutputFormat::Text;  // --format
  uint32_t ring_pages = 0;  // --ring-pages (0: default)
  uint32_t map_entries = 0; // --map-entries (0: default)
  uint32_t flow_key_size = 256;  // --flow-key-size: key bytes an event copies
  std::vector<std::string> filter_flows;  // --filter-flows, ODP-like

  bool emit_is_none() const { return emit == Emit::None; }
};

// Parses argv.  Prints --help/--version itself and returns nullopt with
// `exit_code` 0; on a usage error prints "ovsq: <why>" and a hint to
// stderr and returns nullopt with exit_code 2.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace ovsq::driver
