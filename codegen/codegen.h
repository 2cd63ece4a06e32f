#pragma once
// Lowers the typed AST to a BPF module: one BPF program per (clause, probe,
// distinct set of argument locations), each reading its arguments straight
// from pt_regs or user memory as the probe's note says (no spec map, no
// bpf_usdt_arg; docs/design.md says why), plus one program each for
// `begin` and `end` clauses; one BPF map per map of the program.  The
// statements themselves are lowered by codegen/program_lowering.
#include <memory>
#include <string>
#include <vector>

#include "codegen/bpf_module.h"
#include "frontend/ast.h"
#include "runtime/bpf_program.h"

namespace ovsq::codegen {

struct CodegenOptions {
  // Size of the events ring buffer: a power of two, a multiple of the page
  // size.  256 pages: with the reader's pacing (runtime/batch_pacer) even 64
  // pages kept up with the sim's 2M events/s, and the ring is mapped into
  // ovsq twice, so OVS's scripts' 1024 pages would cost 8 MB of RSS.
  uint32_t ringbuf_bytes = 1u << 20;
  // Entries of every map (plain and aggregation).
  uint32_t map_entries = 10240;
  // The query's file name, for "map is full at FILE:LINE:COL" reports.
  std::string source_name = "<command-line>";
};

struct LoweredQuery {
  std::unique_ptr<BpfModule> module;
  // Everything of runtime::CompiledQuery but the object and the binary.
  runtime::CompiledQuery programs;
};

// `program` must have passed frontend::Sema::check.
LoweredQuery lower(const frontend::Program& program,
                     const CodegenOptions& options);

}  // namespace ovsq::codegen
