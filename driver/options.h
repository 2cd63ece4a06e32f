#pragma once
// The command line, parsed with Boost.ProgramOptions.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "metrics/http_server.h"
#include "pipeline/settings.h"

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
  bool quiet = false;       // -q
  bool timings = false;     // --timings
  bool interactive = false; // -i, or no query on a terminal
  // --follow / --no-follow; unset: follow when ovsq picked the vswitchd.
  std::optional<bool> follow;
  // --metrics ADDRESS, --metrics-prefix, --metrics-max-series (metrics/).
  std::optional<metrics::ListenAddress> metrics;
  std::string metrics_prefix = "ovsq_";
  size_t metrics_max_series = 10000;
  bool query_from_stdin = false;  // `-` as the FILE, or no query off a terminal
  // --format, -o, --ring-pages, --map-entries, --flow-key-size,
  // --filter-flows: the session's defaults too.
  pipeline::QuerySettings settings;

  bool emit_is_none() const { return emit == Emit::None; }
};

// Parses argv.  Prints --help/--version itself and returns nullopt with
// `exit_code` 0; on a usage error prints "ovsq: <why>" and a hint to
// stderr and returns nullopt with exit_code 2.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace ovsq::driver
