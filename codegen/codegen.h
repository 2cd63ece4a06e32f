#pragma once
// Lowers the typed AST to a BPF module: one BPF program per (clause, probe,
// distinct set of argument locations), each reading its arguments straight
// from pt_regs or user memory as the probe's note says (no spec map, no
// bpf_usdt_arg; docs/design.md says why), evaluating the `where` predicate
// and writing one ring-buffer event per print.
#include <memory>
#include <string>
#include <vector>

#include "codegen/bpf_module.h"
#include "frontend/ast.h"
#include "runtime/bpf_program.h"

namespace ovsq::codegen {

struct CodegenOptions {
  // Size of the events ring buffer: a power of two, a multiple of the page
  // size.  1024 pages, as OVS's own usdt-scripts default to.
  uint32_t ringbuf_bytes = 4u << 20;
};

struct LoweredProgram {
  std::unique_ptr<BpfModule> module;
  std::vector<runtime::AttachPoint> attach_points;
  std::vector<runtime::EventLayout> layouts;
  uint32_t ringbuf_bytes = 0;
};

// `program` must have passed frontend::Sema::check.
LoweredProgram lower(const frontend::Program& program,
                     const CodegenOptions& options);

}  // namespace ovsq::codegen
