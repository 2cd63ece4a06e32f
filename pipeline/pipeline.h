#pragma once
// The one pipeline every front shares: text -> AST -> typed AST -> LLVM
// module -> BPF object, ready for a runtime::Query.  The one-shot driver
// (driver/main.cpp) runs it once, marking each stage for --timings and
// stopping early for --emit; the session (session/) runs it for every
// query typed, on the same target, reading the binary's notes and DWARF
// only once.
#include <sys/types.h>

#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/sema.h"
#include "frontend/source.h"
#include "probes/debug_info.h"
#include "probes/usdt_notes.h"
#include "runtime/bpf_program.h"
#include "pipeline/settings.h"
#include "runtime/output.h"
#include "runtime/uprobe_events.h"
#include "support/error.h"
#include "support/phase_clock.h"

namespace ovsq::pipeline {

// Which executable to read and which processes to trace.
struct Target {
  std::string binary;
  std::vector<pid_t> pids;  // empty: every process running `binary`
};

// -p PID, --binary PATH, both, or neither (the one running ovs-vswitchd).
// Throws UserError when there is no such process, or not exactly one
// vswitchd.
Target resolve_target(std::optional<pid_t> pid, const std::string& binary);

// A query the user got wrong: its diagnostics, rendered with carets.
class QueryError : public UserError {
 public:
  explicit QueryError(const frontend::Diagnostics& diagnostics);
  const std::string& rendered() const { return rendered_; }
  // The first line of each diagnostic ("q.ovsq:1:3: error: ...").
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::string rendered_;
  std::vector<std::string> messages_;
};

// text -> AST, with every --filter-flows ANDed in.  Needs no binary (the
// untyped --emit=ast).  Throws QueryError.
frontend::Program parse_query(const frontend::Source& source,
                              const QuerySettings& settings);

// A program through sema, with everything its typed AST points into.
struct CheckedQuery {
  std::unique_ptr<frontend::Source> source;
  std::unique_ptr<frontend::Diagnostics> diagnostics;
  std::unique_ptr<frontend::Sema> sema;  // owns types the AST points to
  frontend::Program program;
};

class Pipeline {
 public:
  // Warnings (no debug info: the built-in types are used) go to `warnings`.
  Pipeline(Target target, probes::DebugInfoOptions debug_options,
           std::ostream& warnings);
  ~Pipeline();

  const Target& target() const { return target_; }
  // Read on first use and kept.  Throws UserError when the binary cannot
  // be read or has no USDT probes.
  const probes::UsdtNotes& notes();
  // Read on first use and kept: the binary's DWARF, or the catalog's
  // built-in types after one warning.
  probes::DebugInfo& debug_info();

  // The uprobes of the probes `program` names, registered on a thread
  // while the rest of the pipeline runs (runtime/uprobe_events.h).
  std::unique_ptr<runtime::UprobeEvents> open_uprobes(const frontend::Program& program);
  // AST -> typed AST.  Throws QueryError.
  CheckedQuery check(const frontend::Source& source, frontend::Program program,
                     const QuerySettings& settings);
  // typed AST -> LLVM module, and what the runtime needs to decode it.
  codegen::LoweredQuery lower(const CheckedQuery& query, const QuerySettings& settings);
  // LLVM module -> BPF object: a program set ready for runtime::Query.
  // The lowered query as `kind` (--emit=ir/asm/obj).  Throws QueryError
  // (StackTooLarge at the clause) when a BPF program needs too much stack.
  std::vector<uint8_t> emit(const CheckedQuery& query, codegen::LoweredQuery& lowered,
                            codegen::OutputKind kind);
  runtime::CompiledQuery emit_object(const CheckedQuery& query, codegen::LoweredQuery lowered);

  // All of the above for a query typed in a session: parse, check, lower,
  // emit.  `uprobes` receives the opened events; `clock`, when given, a
  // mark after each stage (parse, sema, lower, llvm).  Throws QueryError.
  runtime::CompiledQuery compile(const frontend::Source& source,
                                 const QuerySettings& settings,
                                 std::unique_ptr<runtime::UprobeEvents>& uprobes,
                                 PhaseClock* clock = nullptr);

 private:
  Target target_;
  probes::DebugInfoOptions debug_options_;
  std::ostream& warnings_;
  std::optional<probes::UsdtNotes> notes_;
  std::unique_ptr<probes::DebugInfo> debug_info_;
};

}  // namespace ovsq::pipeline
