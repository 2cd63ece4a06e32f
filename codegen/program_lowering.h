#pragma once
// Lowers one clause, for one probe and one set of argument locations, to
// one BPF program: read the arguments as the probe's note says, evaluate
// the `where` predicate, then run the statements (ring-buffer events for
// print/printf/exit, map updates for aggregations and assignments).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/bpf_module.h"
#include "codegen/layouts.h"
#include "frontend/ast.h"
#include "probes/usdt_notes.h"
#include "runtime/bpf_program.h"

namespace ovsq::codegen {

// What every program of a module shares.
struct ModuleGlobals {
  llvm::GlobalVariable* events = nullptr;     // ring buffer
  llvm::GlobalVariable* lost = nullptr;       // per-CPU lost-event counter
  llvm::GlobalVariable* map_full = nullptr;   // per-CPU counters by update site
  llvm::GlobalVariable* exit_flag = nullptr;  // set by `exit`
  llvm::GlobalVariable* key_scratch = nullptr;  // flow-key filters' copy
  std::vector<llvm::GlobalVariable*> maps;    // by frontend map id
  std::vector<MapKeyLayout> key_layouts;      // by frontend map id
  const frontend::Program* program = nullptr;
  // walltime = boot-time clock + this (measured when the query compiled).
  uint64_t walltime_offset_ns = 0;
};

// For each statement of a clause: the event layout it writes (print,
// printf) or the map-full counter it bumps (aggregations, assignments).
struct StatementPlan {
  uint32_t layout_id = 0;
  uint32_t site_id = 0;
};

// Whether the clause reads fields of a flow key (and so needs the
// kKeyScratchMap copy).
bool clause_reads_key_fields(const frontend::Clause& clause);

class ProgramLowering {
 public:
  // `probe_index` is the probe's position in the clause (-1 for begin and
  // end); `probe_name` is what the `probe` builtin yields.
  ProgramLowering(BpfModule& module, const ModuleGlobals& globals,
                  llvm::Function* function, int probe_index,
                  std::string probe_name,
                  const std::vector<probes::UsdtArg>& args);

  void lower(const frontend::Clause& clause,
             const std::vector<runtime::EventLayout>& layouts,
             const std::vector<StatementPlan>& plans);

 private:
  llvm::LLVMContext& ctx() { return module_.context(); }
  llvm::Type* i64() { return builder_.getInt64Ty(); }
  llvm::Type* ptr() { return builder_.getPtrTy(); }
  llvm::BasicBlock* block(const char* name);
  llvm::AllocaInst* scratch(llvm::Type* type);
  llvm::AllocaInst* scratch_bytes(uint32_t size);  // zeroed, 8-aligned
  llvm::Value* byte_offset(llvm::Value* base, uint64_t offset);
  // Whether the bytes at `address` are `want` (i1), without a branch per
  // byte: see program_lowering.cpp.
  llvm::Value* bytes_match(llvm::Value* address, std::string_view want);
  llvm::Value* extend(llvm::Value* narrow, bool is_signed);
  llvm::Value* helper(int id, llvm::Type* result, llvm::ArrayRef<llvm::Value*> args);

  // Target memory and probe arguments.
  void read_user(llvm::Value* destination, uint32_t size, llvm::Value* address);
  llvm::Value* read_user_int(llvm::Value* address, uint32_t size, bool is_signed);
  llvm::Value* register_value(const probes::UsdtArg& arg);
  llvm::Value* probe_arg(int index);
  llvm::Value* ufid_address(const frontend::Expr& expr);
  llvm::Value* address(const frontend::Expr& expr);

  // Expressions: every scalar evaluates to an i64.
  llvm::Value* value(const frontend::Expr& expr);
  llvm::Value* builtin(const frontend::Expr& expr);
  llvm::Value* truth(llvm::Value* v);
  llvm::Value* logical(const frontend::Binary& op);
  llvm::Value* binary(const frontend::Expr& expr, const frontend::Binary& op);
  llvm::Value* signed_divide(llvm::Value* a, llvm::Value* b, bool remainder);
  llvm::Value* string_equals(const frontend::Expr& string,
                             const frontend::StringLiteral& literal);
  llvm::Value* map_read(const frontend::Expr& expr);
  // Writes a value of any printable type to `size` bytes at `slot`.
  void store(const frontend::Expr& expr, llvm::Value* slot, uint32_t size);
  void store_string(const frontend::Expr& expr, llvm::Value* slot, uint32_t size);

  // Flow keys (flow_key_lowering.cpp).  A clause that reads key fields
  // copies the key once, at its start, into the per-CPU scratch buffer;
  // each field read walks the attributes there with a bounded loop.
  struct TargetKey {
    llvm::Value* address;  // in the traced process
    llvm::Value* length;   // bytes
  };
  TargetKey flow_key(const frontend::Expr& key);
  TargetKey flow_mask(const frontend::Expr& flow);  // `flow`'s mask
  TargetKey pointer_and_length(int arg, uint64_t pointer_offset, uint64_t length_offset);
  // The key (and for `flow` its mask after it) into an event's column.
  void store_flow_key(const frontend::Expr& key, llvm::Value* slot, uint32_t size);
  void store_key_bytes(TargetKey target, llvm::Value* slot, uint32_t size);
  void copy_key_to_scratch(const frontend::Clause& clause, llvm::BasicBlock* done);
  struct FieldRead {
    llvm::Value* present;  // i1: the attribute is there and long enough
    llvm::Value* address;  // the field's bytes in the scratch buffer
  };
  FieldRead flow_key_field(const frontend::Expr& field);
  // The payload offset of the first attribute of `type` in the scratch
  // bytes [begin, end), looking inside OVS_KEY_ATTR_ENCAP when
  // `through_encap`; `found` is i1.
  struct Attribute {
    llvm::Value* found;
    llvm::Value* payload;
    llvm::Value* payload_length;
  };
  Attribute find_attribute(llvm::Value* begin, llvm::Value* end, uint16_t type,
                           bool through_encap);
  llvm::Value* scratch_at(llvm::Value* offset);
  llvm::Value* load_bytes(llvm::Value* address, uint32_t size);  // i64, little-endian
  llvm::Value* field_value(const frontend::Expr& field, llvm::Value** present = nullptr);
  llvm::Value* bytes_equal(llvm::Value* address, const frontend::AddressLiteral& literal);
  llvm::Value* address_comparison(const frontend::Binary& op);
  void store_address(const frontend::Expr& expr, llvm::Value* slot, uint32_t size);
  llvm::Value* key_scratch_ = nullptr;  // ptr, set by copy_key_to_scratch
  llvm::Value* key_copied_ = nullptr;   // i64 bytes in it

  // Statements.
  void emit_event(const std::vector<const frontend::Expr*>& exprs,
                  const runtime::EventLayout& layout);
  void emit_exit();
  void emit_aggregate(const frontend::AggregateStmt& stmt, uint32_t site);
  void emit_assign(const frontend::AssignStmt& stmt, uint32_t site);
  void emit_delete(const frontend::DeleteStmt& stmt);
  llvm::Value* map_key(int map_id, const std::vector<frontend::ExprPtr>& keys,
                       llvm::Value* bucket);
  llvm::Value* hist_bucket(llvm::Value* v);
  llvm::Value* lhist_bucket(llvm::Value* v, const frontend::MapInfo& map);
  void bump_counter(llvm::GlobalVariable* array, uint32_t index);

  BpfModule& module_;
  const ModuleGlobals& globals_;
  llvm::Function* function_;
  int probe_index_;
  std::string probe_name_;
  const std::vector<probes::UsdtArg>& args_;
  llvm::BasicBlock* entry_;
  llvm::IRBuilder<> builder_;
};

}  // namespace ovsq::codegen
