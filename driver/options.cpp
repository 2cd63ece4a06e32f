#include "driver/options.h"

#include <boost/program_options.hpp>
#include <iostream>

namespace ovsq::driver {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage =
    "Usage: ovsq [OPTIONS] -e QUERY\n"
    "       ovsq [OPTIONS] FILE.ovsq\n"
    "       ovsq --binary PATH --list\n"
    "\n"
    "Traces a running ovs-vswitchd through its USDT probes.\n"
    "  ovsq -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid'\n"
    "\n";

std::optional<Emit> parse_emit(const std::string& stage) {
  if (stage == "ast") return Emit::Ast;
  if (stage == "ir") return Emit::Ir;
  if (stage == "asm") return Emit::Asm;
  if (stage == "obj") return Emit::Obj;
  return std::nullopt;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options options;
  std::string emit;
  std::string format;
  pid_t pid = 0;
  int64_t ring_pages = 0;
  int64_t map_entries = 0;
  int64_t flow_key_size = 0;
  po::options_description visible("Options");
  visible.add_options()
      ("help,h", "show this help and exit")
      ("version", "show the version and exit")
      ("expr,e", po::value(&options.query_text), "run the query QUERY")
      ("pid,p", po::value(&pid), "trace the process PID (default: the one running ovs-vswitchd)")
      ("binary", po::value(&options.binary),
       "the traced executable; without -p, trace every process running it")
      ("debug-file", po::value(&options.debug_file),
       "read DWARF types from this file instead of searching for them")
      ("debug-dir", po::value(&options.debug_dirs),
       "look for FILE.debug by build-id under this directory (default /usr/lib/debug)")
      ("list,l", po::bool_switch(&options.list),
       "list the binary's USDT probes and argument specs, then exit")
      ("emit", po::value(&emit),
       "dump one stage instead of tracing: ast, ir, asm or obj")
      ("format,f", po::value(&format),
       "how to print what the query prints: text (default), json or csv")
      ("output,o", po::value(&options.output),
       "write the query's output (or --emit's) to this file instead of stdout")
      ("ring-pages", po::value(&ring_pages),
       "size of the events ring buffer in pages, a power of two (default 256: 1 MiB)")
      ("map-entries", po::value(&map_entries),
       "entries of every map and aggregation (default 10240)")
      ("flow-key-size", po::value(&flow_key_size),
       "copy at most N bytes of each flow key printed (16 to 2048, default 256)")
      ("filter-flows", po::value(&options.filter_flows),
       "keep only flows matching FLOW, an ODP-like flow such as \"ipv4(src=10.0.0.1),tcp(dst=443)\" (may be repeated)")
      ("quiet,q", po::bool_switch(&options.quiet), "no status lines on stderr")
      ("timings", po::bool_switch(&options.timings),
       "print how long each start-up phase took (stderr), up to the first event");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&options.query_file));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);

  po::variables_map vm;
  auto usage_error = [&](const std::string& why) -> std::optional<Options> {
    std::cerr << "ovsq: " << why << "\nTry 'ovsq --help' for more information.\n";
    exit_code = 2;
    return std::nullopt;
  };
  try {
    po::store(po::command_line_parser(argc, argv)
                  .options(all)
                  .positional(positional)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }

  exit_code = 0;
  if (vm.count("help")) {
    std::cout << kUsage << visible;
    return std::nullopt;
  }
  if (vm.count("version")) {
    std::cout << "ovsq " OVSQ_VERSION "\n";
    return std::nullopt;
  }
  if (vm.count("pid")) {
    if (pid <= 0) return usage_error("-p needs a positive process ID");
    options.pid = pid;
  }
  if (!emit.empty()) {
    std::optional<Emit> stage = parse_emit(emit);
    if (!stage)
      return usage_error("unknown --emit stage '" + emit + "': use ast, ir, asm or obj");
    options.emit = *stage;
  }
  bool has_expr = vm.count("expr") > 0;
  bool has_file = vm.count("file") > 0;
  if (has_expr && has_file)
    return usage_error("give the query either with -e or as a file, not both");
  if (!has_expr && !has_file && !options.list)
    return usage_error("no query: give one with -e QUERY or as a FILE.ovsq");
  if (!format.empty()) {
    if (format == "text") options.format = runtime::OutputFormat::Text;
    else if (format == "json") options.format = runtime::OutputFormat::Json;
    else if (format == "csv") options.format = runtime::OutputFormat::Csv;
    else return usage_error("unknown --format '" + format + "': use text, json or csv");
  }
  if (vm.count("ring-pages")) {
    if (ring_pages <= 0 || ring_pages > (1 << 18) ||
        (ring_pages & (ring_pages - 1)) != 0)
      return usage_error("--ring-pages needs a power of two from 1 to 262144");
    options.ring_pages = uint32_t(ring_pages);
  }
  if (vm.count("map-entries")) {
    if (map_entries <= 0 || map_entries > (1 << 24))
      return usage_error("--map-entries needs a number from 1 to 16777216");
    options.map_entries = uint32_t(map_entries);
  }
  if (vm.count("flow-key-size")) {
    if (flow_key_size < 16 || flow_key_size > 2048)
      return usage_error("--flow-key-size needs a number of bytes from 16 to 2048");
    options.flow_key_size = uint32_t(flow_key_size + 7) / 8 * 8;
  }
  return options;
}

}  // namespace ovsq::driver
