#include "driver/options.h"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <iostream>

#include "driver/version.h"
#include "metrics/exposition.h"

namespace ovsq::driver {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage =
    "Usage: ovsq [OPTIONS] -e QUERY\n"
    "       ovsq [OPTIONS] FILE.ovsq      (- reads the query from standard input)\n"
    "       ovsq [OPTIONS] [-i]           (a session on a terminal: .help inside)\n"
    "       ovsq --binary PATH --list\n"
    "       ovsq [OPTIONS] --metrics [HOST:]PORT FILE.ovsq   (a Prometheus exporter)\n"
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
  pid_t pid = 0;
  std::string metrics_address;
  std::vector<std::string> setting_values(pipeline::setting_specs().size());
  po::options_description visible("Options");
  visible.add_options()
      ("help,h", "show this help and exit")
      ("version", "show the version, the LLVM, libbpf and libdw it was built with and the kernel's BPF features, and exit")
      ("expr,e", po::value(&options.query_text)->value_name("QUERY"), "run the query QUERY")
      ("pid,p", po::value(&pid)->value_name("PID"), "trace the process PID (default: the one running ovs-vswitchd)")
      ("binary", po::value(&options.binary)->value_name("PATH"),
       "the traced executable; without -p, trace every process running it")
      ("debug-file", po::value(&options.debug_file)->value_name("FILE"),
       "read DWARF types from this file instead of searching for them")
      ("debug-dir", po::value(&options.debug_dirs)->value_name("DIR"),
       "look for FILE.debug by build-id under this directory (default /usr/lib/debug)")
      ("list,l", po::bool_switch(&options.list),
       "list the binary's USDT probes and argument specs, then exit")
      ("emit", po::value(&emit)->value_name("ast|ir|asm|obj"),
       "dump one stage instead of tracing: ast, ir, asm or obj")
      ("follow", "when the traced vswitchd exits, wait for the next ovs-vswitchd and trace it (the default without -p and --binary)")
      ("no-follow", "stop when the traced vswitchd exits")
      ("interactive,i", po::bool_switch(&options.interactive),
       "a session: type queries, run them in the background, look at the probes")
      ("metrics", po::value(&metrics_address)->value_name("[HOST:]PORT"),
       "serve the query's named aggregations as Prometheus metrics at http://ADDRESS/metrics; [HOST:]PORT, loopback unless HOST is given (such as 127.0.0.1:9464)")
      ("metrics-prefix", po::value(&options.metrics_prefix)->value_name("PREFIX"),
       "begin every metric's name with this (default ovsq_)")
      ("metrics-max-series", po::value(&options.metrics_max_series)->value_name("N"),
       "serve at most N series of each aggregation, the largest (default 10000)");
  for (size_t i = 0; i < pipeline::setting_specs().size(); ++i) {
    const pipeline::SettingSpec& spec = pipeline::setting_specs()[i];
    visible.add_options()(spec.option, po::value(&setting_values[i])->value_name(spec.value),
                          spec.help);
  }
  visible.add_options()
      ("filter-flows", po::value(&options.settings.filter_flows)->value_name("FLOW"),
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
    // No abbreviations: Boost would read `--for 1s` as `--format 1s` and
    // complain of the format, not of an option that does not exist.
    po::store(po::command_line_parser(argc, argv)
                  .options(all)
                  .positional(positional)
                  .style(po::command_line_style::default_style &
                         ~po::command_line_style::allow_guessing)
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
    print_version(std::cout);
    return std::nullopt;
  }
  if (vm.count("follow") && vm.count("no-follow"))
    return usage_error("give either --follow or --no-follow, not both");
  if (vm.count("follow")) options.follow = true;
  if (vm.count("no-follow")) options.follow = false;
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
  if (options.interactive && (has_expr || has_file))
    return usage_error("-i starts a session; give no query with it");
  if (options.interactive && !options.emit_is_none())
    return usage_error("-i starts a session; --emit needs a query");
  if (vm.count("metrics")) {
    std::string why;
    options.metrics = metrics::parse_listen_address(metrics_address, why);
    if (!options.metrics) return usage_error("--metrics " + why);
    if (options.interactive || !options.emit_is_none() || options.list)
      return usage_error("--metrics serves a query: give it no -i, --emit or --list");
    if (!has_expr && !has_file)
      return usage_error("--metrics needs a query, with -e or as a FILE.ovsq");
  } else if (vm.count("metrics-prefix") || vm.count("metrics-max-series")) {
    return usage_error("--metrics-prefix and --metrics-max-series go with --metrics");
  }
  if (options.metrics_prefix != metrics::sanitize_metric_name(options.metrics_prefix))
    return usage_error("--metrics-prefix needs letters, digits, '_' and ':', not starting "
                       "with a digit, not '" + options.metrics_prefix + "'");
  if (options.metrics_max_series == 0)
    return usage_error("--metrics-max-series needs a number greater than zero");
  if (has_file && options.query_file == "-") {
    options.query_file.clear();
    options.query_from_stdin = true;
  }
  // No query: a session on a terminal, the program from standard input
  // otherwise (`echo 'on flow_result print ufid' | ovsq`).
  if (!has_expr && !has_file && !options.list && !options.interactive) {
    if (::isatty(STDIN_FILENO) && options.emit_is_none())
      options.interactive = true;
    else
      options.query_from_stdin = true;
  }
  for (size_t i = 0; i < pipeline::setting_specs().size(); ++i) {
    const pipeline::SettingSpec& spec = pipeline::setting_specs()[i];
    if (!vm.count(spec.name)) continue;
    if (std::optional<std::string> why = spec.set(options.settings, setting_values[i]))
      return usage_error("--" + std::string(spec.name) + " " + *why);
  }
  return options;
}

}  // namespace ovsq::driver
