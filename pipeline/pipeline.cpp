#include "pipeline/pipeline.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ostream>

#include "frontend/flow_filter.h"
#include "frontend/parser.h"
#include "probes/catalog.h"
#include "probes/catalog_types.h"
#include "runtime/process.h"

namespace ovsq::pipeline {

Target resolve_target(std::optional<pid_t> pid, const std::string& binary) {
  Target target;
  if (pid) {
    target.pids.push_back(*pid);
    target.binary = binary.empty() ? runtime::executable_of(*pid) : binary;
  } else if (!binary.empty()) {
    target.binary = binary;
  } else {
    pid_t found = runtime::find_single_vswitchd();
    target.pids.push_back(found);
    target.binary = runtime::executable_of(found);
  }
  return target;  // probes::read_usdt_notes says if it cannot be read
}

namespace {

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string diagnostics_summary(const frontend::Diagnostics& diagnostics) {
  return diagnostics.list().empty()
             ? std::string("invalid query")
             : first_line(diagnostics.render(diagnostics.list().front()));
}

}  // namespace

QueryError::QueryError(const frontend::Diagnostics& diagnostics)
    : UserError(diagnostics_summary(diagnostics)), rendered_(diagnostics.render()) {
  for (const frontend::Diagnostic& d : diagnostics.list())
    messages_.push_back(first_line(diagnostics.render(d)));
}

frontend::Program parse_query(const frontend::Source& source,
                              const QuerySettings& settings) {
  frontend::Diagnostics diagnostics(source);
  frontend::Program program = frontend::parse(source, diagnostics);
  if (diagnostics.has_errors()) throw QueryError(diagnostics);
  for (const std::string& text : settings.filter_flows) {
    frontend::Source filter_source{"--filter-flows", text};
    frontend::Diagnostics filter_diagnostics(filter_source);
    std::optional<frontend::ExprPtr> filter =
        frontend::parse_flow_filter(filter_source, filter_diagnostics);
    if (!filter) throw QueryError(filter_diagnostics);
    if (frontend::apply_flow_filter(program, **filter) == 0) {
      std::string with_keys;
      for (const probes::CatalogProbe& p : probes::ovs_catalog())
        if (p.is_flow_key("key") && probes::find_catalog_probe(p.short_name) == &p)
          with_keys += (with_keys.empty() ? "" : ", ") + p.short_name;
      throw UserError("--filter-flows: no clause of the query traces a probe with a "
                      "flow key (" + with_keys + ")");
    }
  }
  return program;
}

namespace {

// A vswitchd in a container (another mount namespace) has its debug files
// under its own /usr/lib/debug: each debug directory is also looked for
// under /proc/PID/root, the host's view of the process's root, when that
// is another directory.
probes::DebugInfoOptions with_target_roots(probes::DebugInfoOptions options,
                                           const Target& target) {
  std::vector<std::string> dirs = options.debug_dirs;
  for (pid_t pid : target.pids)
    for (const std::string& dir : options.debug_dirs) {
      if (dir.empty() || dir[0] != '/') continue;
      std::string inside = "/proc/" + std::to_string(pid) + "/root" + dir;
      struct stat ours, theirs;
      if (::stat(inside.c_str(), &theirs) != 0) continue;
      if (::stat(dir.c_str(), &ours) == 0 && ours.st_dev == theirs.st_dev &&
          ours.st_ino == theirs.st_ino)
        continue;  // the same directory: the same mount namespace
      dirs.push_back(inside);
    }
  options.debug_dirs = std::move(dirs);
  return options;
}

}  // namespace

Pipeline::Pipeline(Target target, probes::DebugInfoOptions debug_options,
                   std::ostream& warnings)
    : target_(std::move(target)),
      debug_options_(with_target_roots(std::move(debug_options), target_)),
      warnings_(warnings) {}

Pipeline::~Pipeline() = default;

const probes::UsdtNotes& Pipeline::notes() {
  if (!notes_) {
    probes::UsdtNotes notes = probes::read_usdt_notes(target_.binary);
    if (notes.probes.empty())
      throw UserError(target_.binary +
                      " has no USDT probes (Open vSwitch needs to be built with "
                      "--enable-usdt-probes)");
    notes_ = std::move(notes);
  }
  return *notes_;
}

probes::DebugInfo& Pipeline::debug_info() {
  if (!debug_info_) {
    // Without DWARF (and no --debug-file), the catalog's built-in types of
    // upstream OVS, with one warning.
    probes::OpenedDebugInfo opened = probes::open_debug_info(target_.binary, debug_options_);
    if (!opened.warning.empty())
      warnings_ << "ovsq: warning: " << opened.warning << std::endl;
    debug_info_ = std::move(opened.info);
  }
  return *debug_info_;
}

// The USDT locations of the probes the query names, read before sema so
// that their uprobes can be opened while sema and LLVM run.  Names sema
// will reject are skipped here.
std::unique_ptr<runtime::UprobeEvents> Pipeline::open_uprobes(
    const frontend::Program& program) {
  std::vector<runtime::UprobeLocation> locations;
  for (const frontend::Clause& clause : program.clauses)
    for (const frontend::ProbeRef& ref : clause.probes) {
      const probes::CatalogProbe* known = probes::find_catalog_probe(ref.name);
      const probes::UsdtProbe* probe =
          known ? notes().find(known->provider, known->name) : nullptr;
      if (probe == nullptr) continue;
      for (const probes::UsdtLocation& location : probe->locations)
        locations.push_back({location.file_offset, location.semaphore_file_offset});
    }
  return std::make_unique<runtime::UprobeEvents>(target_.binary, std::move(locations),
                                                 target_.pids);
}

CheckedQuery Pipeline::check(const frontend::Source& source, frontend::Program program,
                             const QuerySettings& settings) {
  CheckedQuery query;
  query.source = std::make_unique<frontend::Source>(source);
  query.diagnostics = std::make_unique<frontend::Diagnostics>(*query.source);
  query.sema = std::make_unique<frontend::Sema>(notes(), debug_info(), *query.diagnostics);
  query.sema->set_flow_key_bytes(settings.flow_key_size);
  query.program = std::move(program);
  if (!query.sema->check(query.program)) throw QueryError(*query.diagnostics);
  return query;
}

codegen::LoweredQuery Pipeline::lower(const CheckedQuery& query,
                                        const QuerySettings& settings) {
  codegen::CodegenOptions options;
  options.source_name = query.source->name;
  if (settings.ring_pages)
    options.ringbuf_bytes =
        settings.ring_pages * static_cast<uint32_t>(::sysconf(_SC_PAGESIZE));
  if (settings.map_entries) options.map_entries = settings.map_entries;
  return codegen::lower(query.program, options);
}

std::vector<uint8_t> Pipeline::emit(const CheckedQuery& query,
                                    codegen::LoweredQuery& lowered,
                                    codegen::OutputKind kind) {
  try {
    return lowered.module->emit(kind);
  } catch (const codegen::StackTooLarge& e) {
    // The clause the backend named by its line; the first one when none.
    frontend::SourceLoc loc = query.program.clauses.empty() ? query.source->loc_at(0)
                                                  : query.program.clauses.front().loc;
    for (const frontend::Clause& clause : query.program.clauses)
      if (clause.loc.line == e.line()) {
        loc = clause.loc;
        break;
      }
    // The caret under the clause's first word: 'on', 'begin' or 'end'.
    const std::string& text = query.source->text;
    uint32_t end = loc.offset;
    while (end < text.size() && text[end] >= 'a' && text[end] <= 'z') ++end;
    loc.length = std::max<uint32_t>(end - loc.offset, 1);
    query.diagnostics->error<frontend::DiagnosticKind::StackTooLarge>(loc);
    throw QueryError(*query.diagnostics);
  }
}

runtime::CompiledQuery Pipeline::emit_object(const CheckedQuery& query,
                                             codegen::LoweredQuery lowered) {
  runtime::CompiledQuery programs = std::move(lowered.programs);
  programs.object = emit(query, lowered, codegen::OutputKind::Object);
  programs.binary = target_.binary;
  return programs;
}

runtime::CompiledQuery Pipeline::compile(const frontend::Source& source,
                                         const QuerySettings& settings,
                                         std::unique_ptr<runtime::UprobeEvents>& uprobes,
                                         PhaseClock* clock) {
  auto mark = [clock](const char* stage) {
    if (clock) clock->mark(stage);
  };
  frontend::Program program = parse_query(source, settings);
  notes();
  uprobes = open_uprobes(program);
  mark("parse");
  CheckedQuery checked = check(source, std::move(program), settings);
  mark("sema");
  codegen::LoweredQuery lowered = lower(checked, settings);
  mark("lower");
  runtime::CompiledQuery programs = emit_object(checked, std::move(lowered));
  mark("llvm");
  return programs;
}

}  // namespace ovsq::pipeline
