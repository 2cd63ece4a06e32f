#include "codegen/codegen.h"

#include <linux/bpf.h>
#include <time.h>

#include <map>

#include "codegen/layouts.h"
#include "codegen/program_lowering.h"

namespace ovsq::codegen {
namespace {

// realtime - boottime now: what turns the boot-time clock BPF reads into
// wall-clock time (`walltime`).
uint64_t walltime_offset_ns() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  auto ns = [](const timespec& t) {
    return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
  };
  return ns(real) - ns(boot);
}

std::string clause_label(const frontend::Clause& clause) {
  if (clause.kind == frontend::Clause::Kind::Begin) return "begin";
  if (clause.kind == frontend::Clause::Kind::End) return "end";
  std::string label;
  for (const frontend::ProbeRef& probe : clause.probes) {
    if (!label.empty()) label += ",";
    label += probe.catalog->short_name;
  }
  return label;
}

std::string where(const CodegenOptions& options, const frontend::SourceLoc& loc) {
  return options.source_name + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.column);
}

// Event layouts and update sites of one clause's statements.
std::vector<StatementPlan> plan_clause(const frontend::Clause& clause,
                                       const frontend::Program& program,
                                       const CodegenOptions& options,
                                       runtime::CompiledQuery& out) {
  std::vector<StatementPlan> plans;
  std::string label = clause_label(clause);
  for (const frontend::Stmt& stmt : clause.actions) {
    StatementPlan plan;
    uint32_t id = uint32_t(out.layouts.size());
    if (const auto* print = std::get_if<frontend::PrintStmt>(&stmt)) {
      std::vector<const frontend::Expr*> exprs;
      std::vector<std::string> headers;
      for (const frontend::PrintItem& item : print->items) {
        exprs.push_back(item.expr.get());
        headers.push_back(item.header);
      }
      plan.layout_id = id;
      out.layouts.push_back(event_layout(label, exprs, headers, id));
    } else if (const auto* printf = std::get_if<frontend::PrintfStmt>(&stmt)) {
      std::vector<const frontend::Expr*> exprs;
      std::vector<std::string> headers;
      for (const frontend::ExprPtr& arg : printf->args) {
        exprs.push_back(arg.get());
        headers.push_back("arg" + std::to_string(headers.size()));
      }
      runtime::EventLayout layout = event_layout(label, exprs, headers, id);
      layout.is_printf = true;
      for (const frontend::FormatPiece& piece : printf->pieces)
        layout.printf_pieces.push_back({piece.literal, piece.arg, piece.conversion});
      plan.layout_id = id;
      out.layouts.push_back(std::move(layout));
    } else if (const auto* aggregate = std::get_if<frontend::AggregateStmt>(&stmt)) {
      plan.site_id = uint32_t(out.map_update_sites.size());
      out.map_update_sites.push_back(
          {program.maps[aggregate->map_id].name, where(options, aggregate->loc),
           options.map_entries});
    } else if (const auto* assign = std::get_if<frontend::AssignStmt>(&stmt)) {
      plan.site_id = uint32_t(out.map_update_sites.size());
      out.map_update_sites.push_back(
          {assign->map_name, where(options, assign->loc), options.map_entries});
    }
    plans.push_back(plan);
  }
  return plans;
}

constexpr uint32_t kMinRingBufferBytes = 4096;  // one page, the kernel's minimum

bool uses_exit(const frontend::Program& program) {
  for (const frontend::Clause& clause : program.clauses)
    for (const frontend::Stmt& stmt : clause.actions)
      if (std::holds_alternative<frontend::ExitStmt>(stmt)) return true;
  return false;
}

}  // namespace

LoweredQuery lower(const frontend::Program& program,
                     const CodegenOptions& options) {
  LoweredQuery lowered;
  lowered.module = std::make_unique<BpfModule>("ovsq");
  BpfModule& module = *lowered.module;
  runtime::CompiledQuery& out = lowered.programs;
  out.ringbuf_bytes = options.ringbuf_bytes;
  out.every_ns = program.every.value;
  out.for_ns = program.for_duration.value;
  out.limit_rows = program.limit.value;

  // Plan every clause first: the number of update sites sizes map_full.
  std::vector<std::vector<StatementPlan>> plans;
  for (const frontend::Clause& clause : program.clauses)
    plans.push_back(plan_clause(clause, program, options, out));
  // A row's label says which header it goes with, so two print statements
  // on the same probes get "flow_result", "flow_result#2", ...
  std::map<std::string, int> seen;
  for (runtime::EventLayout& layout : out.layouts)
    if (!layout.is_printf && ++seen[layout.label] > 1)
      layout.label += "#" + std::to_string(seen[layout.label]);

  // A query that neither prints nor exits (counts, say) sends no events:
  // the smallest ring buffer will do.  The ring is mapped into ovsq twice,
  // so the default 1 MiB would cost 2 MB of RSS for nothing.
  if (out.layouts.empty() && !uses_exit(program))
    out.ringbuf_bytes = kMinRingBufferBytes;

  ModuleGlobals globals;
  globals.program = &program;
  globals.walltime_offset_ns = walltime_offset_ns();
  globals.events = module.define_map(
      runtime::kEventsMap,
      {{"type", BPF_MAP_TYPE_RINGBUF}, {"max_entries", out.ringbuf_bytes}});
  globals.lost = module.define_map(
      runtime::kLostMap, {{"type", BPF_MAP_TYPE_PERCPU_ARRAY},
                          {"key_size", 4}, {"value_size", 8}, {"max_entries", 1}});
  // Only what the program uses: the runtime does without the others.
  if (!out.map_update_sites.empty())
    globals.map_full = module.define_map(
        runtime::kMapFullMap,
        {{"type", BPF_MAP_TYPE_PERCPU_ARRAY}, {"key_size", 4}, {"value_size", 8},
         {"max_entries", uint32_t(out.map_update_sites.size())}});
  if (uses_exit(program))
    globals.exit_flag = module.define_map(
        runtime::kExitMap, {{"type", BPF_MAP_TYPE_ARRAY},
                            {"key_size", 4}, {"value_size", 8}, {"max_entries", 1}});
  bool reads_key_fields = false;
  for (const frontend::Clause& clause : program.clauses)
    reads_key_fields = reads_key_fields || clause_reads_key_fields(clause);
  if (reads_key_fields)
    globals.key_scratch = module.define_map(
        kKeyScratchMap, {{"type", BPF_MAP_TYPE_PERCPU_ARRAY}, {"key_size", 4},
                         {"value_size", kKeyScratchValueBytes}, {"max_entries", 1}});
  for (size_t m = 0; m < program.maps.size(); ++m) {
    const frontend::MapInfo& map = program.maps[m];
    std::string name = "m" + std::to_string(m);
    MapKeyLayout key = map_key_layout(map);
    // Aggregations are per-CPU (no contention, no atomics); plain maps are
    // shared, since a value stored on one CPU is read on another.
    globals.maps.push_back(module.define_map(
        name, {{"type", map.is_aggregation ? uint32_t(BPF_MAP_TYPE_PERCPU_HASH)
                                           : uint32_t(BPF_MAP_TYPE_HASH)},
               {"key_size", key.size},
               {"value_size", map.is_aggregation
                                  ? aggregation_value_size(map.aggregation)
                                  : 8},
               {"max_entries", options.map_entries}}));
    globals.key_layouts.push_back(key);
    if (map.is_aggregation)
      out.aggregations.push_back(aggregation_map(map, name, options.map_entries));
  }
  // GPL: bpf_probe_read_user is a GPL-only helper.
  module.define_license("GPL");

  for (size_t c = 0; c < program.clauses.size(); ++c) {
    const frontend::Clause& clause = program.clauses[c];
    if (clause.kind != frontend::Clause::Kind::Probe) {
      bool begin = clause.kind == frontend::Clause::Kind::Begin;
      std::string name = std::string(begin ? "begin_" : "end_") + std::to_string(c);
      llvm::Function* function = module.define_program(name, "uprobe");
      static const std::vector<probes::UsdtArg> kNoArgs;
      ProgramLowering(module, globals, function, -1, begin ? "begin" : "end", kNoArgs)
          .lower(clause, out.layouts, plans[c]);
      runtime::AttachPoint point;
      point.trigger = begin ? runtime::AttachPoint::Trigger::Begin
                            : runtime::AttachPoint::Trigger::End;
      point.program = name;
      point.probe = begin ? "begin" : "end";
      out.attach_points.push_back(point);
      continue;
    }
    for (size_t p = 0; p < clause.probes.size(); ++p) {
      const frontend::ProbeRef& probe = clause.probes[p];
      // Locations whose arguments sit in the same places share a program.
      std::map<std::string, std::string> program_for_specs;
      for (const probes::UsdtLocation& location : probe.usdt->locations) {
        auto [it, is_new] = program_for_specs.try_emplace(location.arg_specs);
        if (is_new) {
          it->second = "c" + std::to_string(c) + "_" + probe.catalog->short_name +
                       "_" + std::to_string(program_for_specs.size() - 1);
          llvm::Function* function = module.define_program(it->second, "uprobe");
          ProgramLowering(module, globals, function, int(p),
                          probe.catalog->short_name, location.args)
              .lower(clause, out.layouts, plans[c]);
        }
        out.attach_points.push_back(runtime::AttachPoint{
            runtime::AttachPoint::Trigger::Probe, it->second,
            probe.catalog->full_name(), location.file_offset,
            location.semaphore_file_offset});
      }
    }
  }
  return lowered;
}

}  // namespace ovsq::codegen
