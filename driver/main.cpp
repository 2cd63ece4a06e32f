// ovsq's driver: text -> AST -> typed AST -> LLVM module -> BPF object ->
// attached program -> events -> output, stopping early for --emit or
// --list.  Each stage lives in its own directory; this file only strings
// them together.
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "codegen/codegen.h"
#include "driver/options.h"
#include "frontend/flow_filter.h"
#include "frontend/parser.h"
#include "frontend/sema.h"
#include "probes/catalog.h"
#include "probes/catalog_types.h"
#include "probes/debug_info.h"
#include "probes/usdt_notes.h"
#include "runtime/process.h"
#include "runtime/runner.h"
#include "runtime/uprobe_events.h"
#include "support/error.h"
#include "support/phase_clock.h"

namespace ovsq::driver {
namespace {

constexpr int kExitQueryError = 1;

frontend::Source load_query(const Options& options) {
  if (options.query_file.empty()) return {"<command-line>", options.query_text};
  std::ifstream in(options.query_file);
  if (!in) throw_errno("cannot read " + options.query_file, errno);
  std::ostringstream text;
  text << in.rdbuf();
  return {options.query_file, text.str()};
}

// Which executable to read and which processes to trace.
struct Target {
  std::string binary;
  std::vector<pid_t> pids;  // empty: every process running `binary`
};

Target resolve_target(const Options& options) {
  Target target;
  if (options.pid) {
    target.pids.push_back(*options.pid);
    target.binary = options.binary.empty()
                        ? runtime::executable_of(*options.pid)
                        : options.binary;
  } else if (!options.binary.empty()) {
    target.binary = options.binary;
  } else {
    pid_t pid = runtime::find_single_vswitchd();
    target.pids.push_back(pid);
    target.binary = runtime::executable_of(pid);
  }
  return target;  // probes::read_usdt_notes says if it cannot be read
}

// The USDT locations of the probes the query names, read before sema so
// that their uprobes can be opened while sema and LLVM run.  Names sema
// will reject are skipped here.
std::vector<runtime::UprobeLocation> probe_locations(const frontend::Program& program,
                                                     const probes::UsdtNotes& notes) {
  std::vector<runtime::UprobeLocation> locations;
  for (const frontend::Clause& clause : program.clauses)
    for (const frontend::ProbeRef& ref : clause.probes) {
      const probes::CatalogProbe* known = probes::find_catalog_probe(ref.name);
      const probes::UsdtProbe* probe =
          known ? notes.find(known->provider, known->name) : nullptr;
      if (probe == nullptr) continue;
      for (const probes::UsdtLocation& location : probe->locations)
        locations.push_back({location.file_offset, location.semaphore_file_offset});
    }
  return locations;
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
  OutputStream stream(options.output);
  stream.get().write(bytes.data(), std::streamsize(bytes.size()));
  stream.get().flush();
  if (!stream.get()) throw_errno("cannot write " + options.output, errno);
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
  if (options.format != runtime::OutputFormat::Json || !options.emit_is_none())
    return;
  try {
    OutputStream stream(options.output, true);
    std::unique_ptr<runtime::Output> output = runtime::Output::create(
        runtime::OutputFormat::Json, {}, stream.get(), std::cerr);
    output->error(message);
    output->flush();
  } catch (const std::exception&) {
    // The error itself is on stderr already.
  }
}

int report_diagnostics(const Options& options,
                       const frontend::Diagnostics& diagnostics) {
  std::cerr << diagnostics.render();
  for (const frontend::Diagnostic& d : diagnostics.list()) {
    std::string rendered = diagnostics.render(d);
    report_error_as_json(options, rendered.substr(0, rendered.find('\n')));
  }
  return kExitQueryError;
}

int run(const Options& options, PhaseClock& clock) {
  frontend::Source source = load_query(options);
  frontend::Diagnostics diagnostics(source);
  frontend::Program program = frontend::parse(source, diagnostics);
  clock.mark("parse");
  if (diagnostics.has_errors()) return report_diagnostics(options, diagnostics);
  for (const std::string& text : options.filter_flows) {
    frontend::Source filter_source{"--filter-flows", text};
    frontend::Diagnostics filter_diagnostics(filter_source);
    std::optional<frontend::ExprPtr> filter =
        frontend::parse_flow_filter(filter_source, filter_diagnostics);
    if (!filter) return report_diagnostics(options, filter_diagnostics);
    if (frontend::apply_flow_filter(program, **filter) == 0) {
      std::string with_keys;
      for (const probes::CatalogProbe& p : probes::ovs_catalog())
        if (p.is_flow_key("key") && probes::find_catalog_probe(p.short_name) == &p)
          with_keys += (with_keys.empty() ? "" : ", ") + p.short_name;
      throw UserError("--filter-flows: no clause of the query traces a probe with a "
                      "flow key (" + with_keys + ")");
    }
  }
  if (options.emit == Emit::Ast && options.binary.empty() && !options.pid) {
    write_output(options, frontend::dump(program));  // untyped: no binary
    return 0;
  }

  Target target = resolve_target(options);
  probes::UsdtNotes notes = probes::read_usdt_notes(target.binary);
  if (notes.probes.empty())
    throw UserError(target.binary +
                    " has no USDT probes (Open vSwitch needs to be built with "
                    "--enable-usdt-probes)");
  // Registering uprobes waits on the kernel (UprobeEvents says why); let it
  // wait while debug info is read and LLVM works.
  std::optional<runtime::UprobeEvents> uprobes;
  if (options.emit_is_none())
    uprobes.emplace(target.binary, probe_locations(program, notes), target.pids);
  probes::DebugInfoOptions debug_options;
  debug_options.debug_file = options.debug_file;
  if (!options.debug_dirs.empty()) debug_options.debug_dirs = options.debug_dirs;
  // Without DWARF (and no --debug-file), the catalog's built-in types of
  // upstream OVS, with one warning.
  probes::OpenedDebugInfo opened =
      probes::open_debug_info(target.binary, debug_options);
  if (!opened.warning.empty())
    std::cerr << "ovsq: warning: " << opened.warning << std::endl;
  std::unique_ptr<probes::DebugInfo> debug_info = std::move(opened.info);
  clock.mark("probes and debug info");

  frontend::Sema sema(notes, *debug_info, diagnostics);
  sema.set_flow_key_bytes(options.flow_key_size);
  if (!sema.check(program)) return report_diagnostics(options, diagnostics);
  clock.mark("sema");
  if (options.emit == Emit::Ast) {
    write_output(options, frontend::dump(program));
    return 0;
  }

  codegen::CodegenOptions codegen_options;
  codegen_options.source_name = source.name;
  if (options.ring_pages)
    codegen_options.ringbuf_bytes =
        options.ring_pages * static_cast<uint32_t>(::sysconf(_SC_PAGESIZE));
  if (options.map_entries) codegen_options.map_entries = options.map_entries;
  codegen::LoweredProgram lowered = codegen::lower(program, codegen_options);
  clock.mark("lower");
  auto emit = [&](codegen::OutputKind kind) {
    std::vector<uint8_t> bytes = lowered.module->emit(kind);
    return std::string(bytes.begin(), bytes.end());
  };
  switch (options.emit) {
    case Emit::Ir: write_output(options, emit(codegen::OutputKind::IR)); return 0;
    case Emit::Asm: write_output(options, emit(codegen::OutputKind::Assembly)); return 0;
    case Emit::Obj: write_output(options, emit(codegen::OutputKind::Object)); return 0;
    default: break;
  }

  runtime::BpfProgramSet programs = std::move(lowered.programs);
  programs.object = lowered.module->emit(codegen::OutputKind::Object);
  clock.mark("llvm");
  programs.binary = target.binary;
  runtime::RunOptions run_options;
  run_options.pids = target.pids;
  run_options.quiet = options.quiet;
  if (options.timings) run_options.clock = &clock;
  if (uprobes) run_options.uprobes = &*uprobes;
  OutputStream stream(options.output);
  std::unique_ptr<runtime::Output> output = runtime::Output::create(
      options.format, programs.layouts, stream.get(), std::cerr);
  return runtime::run(programs, run_options, *output, std::cerr);
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
  int exit_code = 0;
  std::optional<Options> options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  ovsq::PhaseClock clock(process_start_ns);
  clock.mark("start-up");
  try {
    if (options->list) return list_probes(resolve_target(*options).binary);
    return run(*options, clock);
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
