// ovsq's driver: text -> AST -> typed AST -> LLVM module -> BPF object ->
// attached program -> events -> output, stopping early for --emit or
// --list.  Each stage lives in its own directory; this file only strings
// them together.
#include <unistd.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "codegen/codegen.h"
#include "driver/options.h"
#include "metrics/exporter.h"
#include "pipeline/pipeline.h"
#include "probes/catalog.h"
#include "probes/usdt_notes.h"
#include "runtime/process.h"
#include "runtime/runner.h"
#include "session/line_editor.h"
#include "session/session.h"
#include "support/error.h"
#include "support/phase_clock.h"

namespace ovsq::driver {
namespace {

using pipeline::CheckedQuery;
using pipeline::Pipeline;
using pipeline::QueryError;
using pipeline::QuerySettings;
using pipeline::parse_query;
using pipeline::resolve_target;

constexpr int kExitQueryError = 1;
constexpr int kExitUsage = 2;

// A usage error found after the command line was parsed (an empty query
// on standard input): exit status 2 and the --help hint, as for options.
class UsageError : public UserError {
 public:
  using UserError::UserError;
};

frontend::Source load_query(const Options& options) {
  if (options.query_from_stdin) {
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (text.str().find_first_not_of(" \t\r\n") == std::string::npos)
      throw UsageError("no query: give one with -e QUERY, as a FILE.ovsq, or on "
                       "standard input (on a terminal, ovsq starts a session)");
    return {"<stdin>", text.str()};
  }
  if (options.query_file.empty()) return {"<command-line>", options.query_text};
  std::ifstream in(options.query_file);
  if (!in) throw_errno("cannot read " + options.query_file, errno);
  std::ostringstream text;
  text << in.rdbuf();
  return {options.query_file, text.str()};
}

// Where the query's output goes: -o FILE or stdout.
class OutputStream {
 public:
  OutputStream(const std::string& path, bool append = false) {
    if (path.empty() || path == "-") return;
    file_.open(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    if (!file_) throw_errno("cannot write " + path, errno);
  }
  std::ostream& get() { return file_.is_open() ? file_ : std::cout; }

 private:
  std::ofstream file_;
};

// --emit's output.
void write_output(const Options& options, const std::string& bytes) {
  OutputStream stream(options.settings.output);
  stream.get().write(bytes.data(), std::streamsize(bytes.size()));
  stream.get().flush();
  if (!stream.get()) throw_errno("cannot write " + options.settings.output, errno);
}

int list_probes(const std::string& binary) {
  probes::UsdtNotes notes = probes::read_usdt_notes(binary);
  if (notes.probes.empty()) {
    std::cerr << "ovsq: " << binary << " has no USDT probes\n";
    return kExitQueryError;
  }
  for (const probes::UsdtProbe& probe : notes.probes) {
    const probes::CatalogProbe* known =
        probes::find_catalog_probe(probe.full_name());
    std::cout << probe.full_name();
    if (known) {
      // The argument order it passes, when it is not upstream's.
      std::string error;
      const probes::CatalogProbe* version =
          probes::select_version(*known, probe, binary, error);
      std::cout << "  (ovsq: " << known->short_name;
      if (version == nullptr)
        std::cout << "; its arguments match no order ovsq knows";
      else if (version != known)
        std::cout << ", " << version->version << " argument order";
      std::cout << ")";
    } else {
      std::cout << "  (not in ovsq's catalog)";
    }
    std::cout << "\n";
    for (const probes::UsdtLocation& location : probe.locations) {
      char address[32];
      std::snprintf(address, sizeof address, "0x%llx",
                    static_cast<unsigned long long>(location.pc));
      std::cout << "    " << address;
      if (location.semaphore) std::cout << "  semaphore";
      std::cout << "  " << (location.arg_specs.empty() ? "(no arguments)"
                                                       : location.arg_specs)
                << "\n";
    }
  }
  return 0;
}


// In JSON mode errors are also records of the output, so that a consumer
// reading only the JSON learns why it ended.
void report_error_as_json(const Options& options, std::string_view message) {
  if (options.settings.format != runtime::OutputFormat::Json || !options.emit_is_none())
    return;
  try {
    OutputStream stream(options.settings.output, true);
    std::unique_ptr<runtime::Output> output = runtime::Output::create(
        runtime::OutputFormat::Json, {}, stream.get(), std::cerr);
    output->error(message);
    output->flush();
  } catch (const std::exception&) {
    // The error itself is on stderr already.
  }
}

int report_query_error(const Options& options, const QueryError& error) {
  std::cerr << error.rendered();
  for (const std::string& message : error.messages())
    report_error_as_json(options, message);
  return kExitQueryError;
}

probes::DebugInfoOptions debug_options_of(const Options& options) {
  probes::DebugInfoOptions debug_options;
  debug_options.debug_file = options.debug_file;
  if (!options.debug_dirs.empty()) debug_options.debug_dirs = options.debug_dirs;
  return debug_options;
}

// Waits for an ovs-vswitchd other than `gone` to run (an upgrade or a
// crash restarts it), checking /proc every 100 ms; nullopt when Ctrl-C or
// SIGTERM comes first.  Nothing is attached meanwhile.
std::optional<pid_t> wait_for_next_vswitchd(const std::vector<pid_t>& gone) {
  sigset_t set, previous;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &previous);
  std::optional<pid_t> next;
  const timespec tick{0, 100'000'000};
  while (!(next = runtime::find_next_vswitchd(gone)))
    if (sigtimedwait(&set, nullptr, &tick) > 0) break;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return next;
}

// The pipeline's stages one after another for one target, each marked for
// --timings (`clock` null: not marked), stopping early for --emit; then
// the run, whose end goes to `end`.
int compile_and_run(const Options& options, const frontend::Source& source,
                    pipeline::Target target, PhaseClock* clock, bool follow,
                    bool after_restart, std::ostream& rows, runtime::QueryEnd& end) {
  auto mark = [clock](const char* stage) {
    if (clock) clock->mark(stage);
  };
  const QuerySettings& settings = options.settings;
  frontend::Program program = parse_query(source, settings);
  mark("parse");
  Pipeline pipeline(std::move(target), debug_options_of(options), std::cerr);
  pipeline.notes();
  // Registering uprobes waits on the kernel (UprobeEvents says why); let it
  // wait while debug info is read and LLVM works.
  std::unique_ptr<runtime::UprobeEvents> uprobes;
  if (options.emit_is_none()) uprobes = pipeline.open_uprobes(program);
  pipeline.debug_info();
  mark("probes and debug info");

  CheckedQuery checked = pipeline.check(source, std::move(program), settings);
  mark("sema");
  if (options.emit == Emit::Ast) {
    write_output(options, frontend::dump(checked.program));
    return 0;
  }

  codegen::LoweredQuery lowered = pipeline.lower(checked, settings);
  mark("lower");
  auto emit = [&](codegen::OutputKind kind) {
    std::vector<uint8_t> bytes = pipeline.emit(checked, lowered, kind);
    return std::string(bytes.begin(), bytes.end());
  };
  switch (options.emit) {
    case Emit::Ir: write_output(options, emit(codegen::OutputKind::IR)); return 0;
    case Emit::Asm: write_output(options, emit(codegen::OutputKind::Assembly)); return 0;
    case Emit::Obj: write_output(options, emit(codegen::OutputKind::Object)); return 0;
    default: break;
  }

  runtime::CompiledQuery programs = pipeline.emit_object(checked, std::move(lowered));
  mark("llvm");
  runtime::RunOptions run_options;
  run_options.pids = pipeline.target().pids;
  run_options.quiet = options.quiet;
  run_options.clock = clock;
  run_options.uprobes = uprobes.get();
  run_options.follow = follow;
  run_options.after_restart = after_restart;
  run_options.end = &end;
  std::unique_ptr<runtime::Output> output = runtime::Output::create(
      settings.format, programs.layouts, rows, std::cerr);
  return runtime::run(programs, run_options, *output, std::cerr);
}

// The one-shot run; with --follow (the default when ovsq picked the
// vswitchd itself), again on each next ovs-vswitchd after the traced one
// exits, its probes and DWARF read anew (the new binary may differ).
int run(const Options& options, PhaseClock& clock) {
  frontend::Source source = load_query(options);
  if (options.emit == Emit::Ast && options.binary.empty() && !options.pid) {
    write_output(options, frontend::dump(parse_query(source, options.settings)));
    return 0;  // untyped: no binary
  }
  bool follow = options.emit_is_none() &&
                options.follow.value_or(!options.pid && options.binary.empty());
  pipeline::Target target = resolve_target(options.pid, options.binary);
  // One output for every process followed: a file is not started anew.
  std::optional<OutputStream> stream;
  if (options.emit_is_none()) stream.emplace(options.settings.output);
  PhaseClock* timings = options.timings ? &clock : nullptr;
  for (bool after_restart = false;; after_restart = true) {
    runtime::QueryEnd end = runtime::QueryEnd::Running;
    std::vector<pid_t> traced = target.pids;
    int status = compile_and_run(options, source, std::move(target), timings, follow,
                                 after_restart, stream ? stream->get() : std::cout, end);
    if (!follow || end != runtime::QueryEnd::TargetExited) return status;
    std::optional<pid_t> next = wait_for_next_vswitchd(traced);
    if (!next) return 0;
    target = resolve_target(*next, "");
    std::cerr << "Following PID " << *next << " (" << target.binary << ")." << std::endl;
    timings = nullptr;  // start-up is measured once
  }
}

// --metrics: the exporter (metrics/), following a restarted vswitchd as
// the one-shot does.
int run_metrics(const Options& options) {
  metrics::ExporterOptions exporter;
  exporter.address = *options.metrics;
  exporter.prefix = options.metrics_prefix;
  exporter.max_series = options.metrics_max_series;
  exporter.follow = options.follow.value_or(!options.pid && options.binary.empty());
  exporter.quiet = options.quiet;
  exporter.version = OVSQ_VERSION;
  return metrics::run_exporter(load_query(options), options.settings,
                               resolve_target(options.pid, options.binary),
                               debug_options_of(options), exporter, std::cerr);
}

// No query on a terminal (or -i): a session on the target, reading its
// notes and DWARF once for every query typed.
int run_session(const Options& options) {
  Pipeline pipeline(resolve_target(options.pid, options.binary), debug_options_of(options),
                    std::cerr);
  std::unique_ptr<session::LineEditor> editor =
      ::isatty(STDIN_FILENO) ? session::make_terminal_editor(session::default_history_path())
                             : session::make_plain_editor(STDIN_FILENO);
  session::Session session(pipeline, options.settings, *editor, std::cout, std::cerr,
                           options.timings);
  return session.run();
}

// As early as a static initializer can be: with LLVM linked statically,
// its static constructors run after this one and count as start-up.
uint64_t process_start_ns;
__attribute__((constructor(101))) void note_process_start() {
  process_start_ns = PhaseClock::now_ns();
}

}  // namespace
}  // namespace ovsq::driver

int main(int argc, char** argv) {
  using namespace ovsq::driver;
  // `ovsq ... | head`: when the reader goes away, writes fail and the run
  // ends cleanly (runtime::run sees the stream fail) instead of dying.
  std::signal(SIGPIPE, SIG_IGN);
  // A shell starts background jobs with SIGINT ignored (`ovsq ... &` in a
  // script).  ovsq stops on SIGINT and SIGTERM however it was started: by
  // default while it compiles (nothing is attached yet), from a signalfd
  // once a run or a session has blocked them.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  int exit_code = 0;
  std::optional<Options> options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  ovsq::PhaseClock clock(process_start_ns);
  clock.mark("start-up");
  try {
    if (options->interactive) return run_session(*options);
    if (options->metrics) return run_metrics(*options);
    if (options->list)
      return list_probes(resolve_target(options->pid, options->binary).binary);
    return run(*options, clock);
  } catch (const QueryError& e) {
    return report_query_error(*options, e);
  } catch (const UsageError& e) {
    std::cerr << "ovsq: " << e.what() << "\nTry 'ovsq --help' for more information.\n";
    return kExitUsage;
  } catch (const ovsq::UserError& e) {
    std::cerr << "ovsq: " << e.what() << "\n";
    report_error_as_json(*options, e.what());
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ovsq: internal error: " << e.what() << "\n";
    report_error_as_json(*options, std::string("internal error: ") + e.what());
    return 70;
  }
}
