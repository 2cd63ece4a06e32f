#include "codegen/codegen.h"

#include <linux/bpf.h>

#include <map>

namespace ovsq::codegen {
namespace {

using frontend::Binary;
using frontend::BinaryOp;
using frontend::Binding;
using frontend::Expr;
using frontend::ValueType;
using probes::UsdtArg;
using probes::UsdtArgKind;

constexpr uint32_t kEventHeaderBytes = 8;  // u32 layout id, u32 padding

// Where a value goes in an event, and how the runtime prints it.
runtime::Column column_for(const frontend::PrintItem& item) {
  const ValueType& type = item.expr->type;
  runtime::Column column;
  column.header = item.header;
  column.size = type.size == 0 ? 8 : type.size;
  switch (type.kind) {
    case ValueType::Kind::Integer:
      column.kind = type.is_signed ? runtime::ColumnKind::Signed
                                   : runtime::ColumnKind::Unsigned;
      break;
    case ValueType::Kind::Bool:
      column.kind = runtime::ColumnKind::Bool;
      column.size = 1;
      break;
    case ValueType::Kind::Enum:
      column.kind = runtime::ColumnKind::Enum;
      for (const probes::Enumerator& e : type.c_type->enumerators)
        column.enumerators.emplace_back(e.value, e.name);
      break;
    case ValueType::Kind::Pointer:
      column.kind = runtime::ColumnKind::Pointer;
      column.size = 8;
      break;
    case ValueType::Kind::Ufid:
      column.kind = runtime::ColumnKind::Ufid;
      column.size = 16;
      break;
    default:
      break;  // sema rejected everything else
  }
  return column;
}

runtime::EventLayout layout_for(const frontend::Clause& clause,
                                const frontend::PrintStmt& print,
                                uint32_t id) {
  runtime::EventLayout layout;
  layout.id = id;
  for (const frontend::ProbeRef& probe : clause.probes) {
    if (!layout.label.empty()) layout.label += ",";
    layout.label += probe.catalog->short_name;
  }
  uint32_t offset = kEventHeaderBytes;
  for (const frontend::PrintItem& item : print.items) {
    runtime::Column column = column_for(item);
    uint32_t align = std::min<uint32_t>(column.size, 8);
    offset = (offset + align - 1) / align * align;
    column.offset = offset;
    offset += column.size;
    layout.columns.push_back(std::move(column));
  }
  layout.size = (offset + 7) / 8 * 8;
  return layout;
}

// Lowers one clause for one probe and one set of argument locations.
class ProgramLowering {
 public:
  ProgramLowering(BpfModule& module, llvm::Function* function,
                  llvm::GlobalVariable* events, llvm::GlobalVariable* lost,
                  size_t probe_index, const std::vector<UsdtArg>& args)
      : module_(module),
        function_(function),
        events_(events),
        lost_(lost),
        probe_index_(probe_index),
        args_(args),
        entry_(llvm::BasicBlock::Create(module.context(), "entry", function)),
        builder_(entry_) {}

  void lower(const frontend::Clause& clause,
             const std::vector<runtime::EventLayout>& layouts,
             const std::vector<uint32_t>& layout_ids) {
    builder_.SetCurrentDebugLocation(llvm::DILocation::get(
        module_.context(), clause.loc.line, clause.loc.column,
        function_->getSubprogram()));
    llvm::BasicBlock* body = llvm::BasicBlock::Create(ctx(), "body", function_);
    done_ = llvm::BasicBlock::Create(ctx(), "done", function_);
    llvm::BasicBlock* start = llvm::BasicBlock::Create(ctx(), "start", function_);
    builder_.SetInsertPoint(start);
    if (clause.predicate) {
      llvm::Value* keep = truth(value(*clause.predicate));
      builder_.CreateCondBr(keep, body, done_);
    } else {
      builder_.CreateBr(body);
    }
    builder_.SetInsertPoint(body);
    for (size_t i = 0; i < clause.actions.size(); ++i)
      emit_print(std::get<frontend::PrintStmt>(clause.actions[i]),
                 layouts[layout_ids[i]]);
    builder_.CreateBr(done_);
    builder_.SetInsertPoint(done_);
    builder_.CreateRet(builder_.getInt32(0));
    // Allocas live in the entry block; it falls through to the code.
    llvm::IRBuilder<> entry_builder(entry_);
    entry_builder.SetCurrentDebugLocation(builder_.getCurrentDebugLocation());
    entry_builder.CreateBr(start);
  }

 private:
  llvm::LLVMContext& ctx() { return module_.context(); }
  llvm::Type* i64() { return builder_.getInt64Ty(); }
  llvm::Type* ptr() { return builder_.getPtrTy(); }

  llvm::AllocaInst* scratch(llvm::Type* type) {
    llvm::IRBuilder<> entry_builder(entry_, entry_->begin());
    return entry_builder.CreateAlloca(type);
  }

  llvm::Value* byte_offset(llvm::Value* base, uint64_t offset) {
    if (base->getType()->isIntegerTy()) base = builder_.CreateIntToPtr(base, ptr());
    return builder_.CreateGEP(builder_.getInt8Ty(), base,
                              builder_.getInt64(offset));
  }

  // Widens an N-byte value to i64 the way its type says.
  llvm::Value* extend(llvm::Value* narrow, bool is_signed) {
    return is_signed ? builder_.CreateSExt(narrow, i64())
                     : builder_.CreateZExt(narrow, i64());
  }

  // Copies `size` bytes of the traced process's memory at `address` to
  // `destination` (zeroed by the kernel if the read faults).
  void read_user(llvm::Value* destination, uint32_t size, llvm::Value* address) {
    if (address->getType()->isIntegerTy())
      address = builder_.CreateIntToPtr(address, ptr());
    module_.call_helper(builder_, BPF_FUNC_probe_read_user, i64(),
                        {destination, builder_.getInt32(size), address});
  }

  // Reads a `size`-byte integer of user memory, widened to i64.
  llvm::Value* read_user_int(llvm::Value* address, uint32_t size,
                             bool is_signed) {
    llvm::Type* narrow = builder_.getIntNTy(size * 8);
    llvm::AllocaInst* slot = scratch(narrow);
    read_user(slot, size, address);
    return extend(builder_.CreateLoad(narrow, slot), is_signed);
  }

  llvm::Value* register_value(const UsdtArg& arg) {
    llvm::Value* slot = byte_offset(function_->getArg(0), arg.pt_regs_offset);
    return builder_.CreateLoad(i64(), slot);
  }

  // Argument `index` of the probe, read as the note's spec says.
  llvm::Value* probe_arg(int index) {
    const UsdtArg& arg = args_.at(index);
    switch (arg.kind) {
      case UsdtArgKind::Constant:
        return builder_.getInt64(arg.constant);
      case UsdtArgKind::Memory:
        return read_user_int(
            builder_.CreateAdd(register_value(arg), builder_.getInt64(arg.offset)),
            arg.size, arg.is_signed);
      case UsdtArgKind::Register: {
        llvm::Value* full = register_value(arg);
        if (arg.reg_shift)
          full = builder_.CreateLShr(full, builder_.getInt64(arg.reg_shift));
        if (arg.size == 8) return full;
        return extend(builder_.CreateTrunc(full, builder_.getIntNTy(arg.size * 8)),
                      arg.is_signed);
      }
    }
    return builder_.getInt64(0);
  }

  // The address of the 16-byte ufid of this probe.
  llvm::Value* ufid_address(const Expr& expr) {
    const frontend::FieldSource& source = expr.binding.per_probe.at(probe_index_);
    llvm::Value* address = builder_.CreateAdd(
        probe_arg(source.arg_index), builder_.getInt64(source.member_offset));
    if (source.member_is_pointer) address = read_user_int(address, 8, false);
    return address;
  }

  // The target-memory address of a member access (or of an aggregate).
  llvm::Value* address(const Expr& expr) {
    const auto* access = expr.as<frontend::MemberAccess>();
    llvm::Value* base = access->arrow ? value(*access->base) : address(*access->base);
    return builder_.CreateAdd(base, builder_.getInt64(expr.binding.offset));
  }

  llvm::Value* truth(llvm::Value* v) {
    return builder_.CreateICmpNE(v, builder_.getInt64(0));
  }

  // Every scalar expression evaluates to an i64.
  llvm::Value* value(const Expr& expr) {
    if (const auto* literal = expr.as<frontend::IntLiteral>())
      return builder_.getInt64(literal->value);
    if (expr.as<frontend::Identifier>()) {
      if (expr.binding.kind == Binding::Kind::EnumConstant)
        return builder_.getInt64(expr.binding.constant);
      return probe_arg(expr.binding.per_probe.at(probe_index_).arg_index);
    }
    if (expr.as<frontend::MemberAccess>())
      return read_user_int(address(expr), expr.type.size, expr.type.is_signed);
    if (const auto* unary = expr.as<frontend::Unary>()) {
      llvm::Value* operand = value(*unary->operand);
      switch (unary->op) {
        case frontend::UnaryOp::Not:
          return builder_.CreateZExt(builder_.CreateICmpEQ(operand, builder_.getInt64(0)), i64());
        case frontend::UnaryOp::Negate: return builder_.CreateNeg(operand);
        case frontend::UnaryOp::BitNot: return builder_.CreateNot(operand);
      }
    }
    return binary(expr, *expr.as<Binary>());
  }

  // && and || short-circuit: the right side may read memory that is only
  // valid when the left side holds.
  llvm::Value* logical(const Binary& op) {
    bool is_and = op.op == BinaryOp::LogicalAnd;
    llvm::Value* left = truth(value(*op.lhs));
    llvm::BasicBlock* left_block = builder_.GetInsertBlock();
    llvm::BasicBlock* right_block = llvm::BasicBlock::Create(ctx(), is_and ? "and.rhs" : "or.rhs", function_);
    llvm::BasicBlock* join = llvm::BasicBlock::Create(ctx(), is_and ? "and.end" : "or.end", function_);
    if (is_and) builder_.CreateCondBr(left, right_block, join);
    else builder_.CreateCondBr(left, join, right_block);
    builder_.SetInsertPoint(right_block);
    llvm::Value* right = truth(value(*op.rhs));
    right_block = builder_.GetInsertBlock();
    builder_.CreateBr(join);
    builder_.SetInsertPoint(join);
    llvm::PHINode* phi = builder_.CreatePHI(builder_.getInt1Ty(), 2);
    phi->addIncoming(builder_.getInt1(!is_and), left_block);
    phi->addIncoming(right, right_block);
    return builder_.CreateZExt(phi, i64());
  }

  static bool unsigned_64(const ValueType& t) {
    return t.kind == ValueType::Kind::Pointer || (!t.is_signed && t.size >= 8);
  }

  // Signed division by way of unsigned: cpu v3 has no sdiv.
  llvm::Value* signed_divide(llvm::Value* a, llvm::Value* b, bool remainder) {
    llvm::Value* zero = builder_.getInt64(0);
    llvm::Value* a_neg = builder_.CreateICmpSLT(a, zero);
    llvm::Value* b_neg = builder_.CreateICmpSLT(b, zero);
    llvm::Value* abs_a = builder_.CreateSelect(a_neg, builder_.CreateNeg(a), a);
    llvm::Value* abs_b = builder_.CreateSelect(b_neg, builder_.CreateNeg(b), b);
    llvm::Value* result = remainder ? builder_.CreateURem(abs_a, abs_b)
                                    : builder_.CreateUDiv(abs_a, abs_b);
    llvm::Value* negate = remainder ? a_neg : builder_.CreateXor(a_neg, b_neg);
    return builder_.CreateSelect(negate, builder_.CreateNeg(result), result);
  }

  llvm::Value* binary(const Expr& expr, const Binary& op) {
    if (op.op == BinaryOp::LogicalAnd || op.op == BinaryOp::LogicalOr)
      return logical(op);
    llvm::Value* l = value(*op.lhs);
    llvm::Value* r = value(*op.rhs);
    bool is_unsigned = unsigned_64(op.lhs->type) || unsigned_64(op.rhs->type);
    auto compare = [&](llvm::CmpInst::Predicate s, llvm::CmpInst::Predicate u) {
      return builder_.CreateZExt(builder_.CreateICmp(is_unsigned ? u : s, l, r), i64());
    };
    using P = llvm::CmpInst::Predicate;
    switch (op.op) {
      case BinaryOp::Eq: return compare(P::ICMP_EQ, P::ICMP_EQ);
      case BinaryOp::Ne: return compare(P::ICMP_NE, P::ICMP_NE);
      case BinaryOp::Lt: return compare(P::ICMP_SLT, P::ICMP_ULT);
      case BinaryOp::Le: return compare(P::ICMP_SLE, P::ICMP_ULE);
      case BinaryOp::Gt: return compare(P::ICMP_SGT, P::ICMP_UGT);
      case BinaryOp::Ge: return compare(P::ICMP_SGE, P::ICMP_UGE);
      case BinaryOp::BitOr: return builder_.CreateOr(l, r);
      case BinaryOp::BitXor: return builder_.CreateXor(l, r);
      case BinaryOp::BitAnd: return builder_.CreateAnd(l, r);
      case BinaryOp::Shl: return builder_.CreateShl(l, r);
      case BinaryOp::Shr:
        return expr.type.is_signed ? builder_.CreateAShr(l, r) : builder_.CreateLShr(l, r);
      case BinaryOp::Add: return builder_.CreateAdd(l, r);
      case BinaryOp::Sub: return builder_.CreateSub(l, r);
      case BinaryOp::Mul: return builder_.CreateMul(l, r);
      case BinaryOp::Div:
      case BinaryOp::Mod: {
        bool remainder = op.op == BinaryOp::Mod;
        if (expr.type.is_signed) return signed_divide(l, r, remainder);
        return remainder ? builder_.CreateURem(l, r) : builder_.CreateUDiv(l, r);
      }
      default: break;
    }
    return builder_.getInt64(0);
  }

  // Reserves an event, fills it and submits it; counts it as lost when the
  // ring buffer is full.
  void emit_print(const frontend::PrintStmt& print,
                  const runtime::EventLayout& layout) {
    llvm::Value* event = module_.call_helper(
        builder_, BPF_FUNC_ringbuf_reserve, ptr(),
        {events_, builder_.getInt64(layout.size), builder_.getInt64(0)});
    llvm::BasicBlock* full = llvm::BasicBlock::Create(ctx(), "ringbuf.full", function_);
    llvm::BasicBlock* fill = llvm::BasicBlock::Create(ctx(), "ringbuf.fill", function_);
    llvm::BasicBlock* next = llvm::BasicBlock::Create(ctx(), "print.end", function_);
    builder_.CreateCondBr(builder_.CreateIsNull(event), full, fill);

    builder_.SetInsertPoint(full);
    count_lost();
    builder_.CreateBr(next);

    builder_.SetInsertPoint(fill);
    builder_.CreateStore(builder_.getInt64(layout.id), event);
    for (size_t i = 0; i < print.items.size(); ++i) {
      const Expr& expr = *print.items[i].expr;
      const runtime::Column& column = layout.columns[i];
      llvm::Value* slot = byte_offset(event, column.offset);
      if (column.kind == runtime::ColumnKind::Ufid) {
        read_user(slot, 16, ufid_address(expr));
      } else {
        llvm::Value* v = value(expr);
        builder_.CreateStore(
            builder_.CreateTrunc(v, builder_.getIntNTy(column.size * 8)), slot);
      }
    }
    module_.call_helper(builder_, BPF_FUNC_ringbuf_submit,
                        builder_.getVoidTy(), {event, builder_.getInt64(0)});
    builder_.CreateBr(next);
    builder_.SetInsertPoint(next);
  }

  void count_lost() {
    llvm::AllocaInst* key = scratch(builder_.getInt32Ty());
    builder_.CreateStore(builder_.getInt32(0), key);
    llvm::Value* counter = module_.call_helper(builder_, BPF_FUNC_map_lookup_elem,
                                               ptr(), {lost_, key});
    llvm::BasicBlock* add = llvm::BasicBlock::Create(ctx(), "lost.add", function_);
    llvm::BasicBlock* after = llvm::BasicBlock::Create(ctx(), "lost.end", function_);
    builder_.CreateCondBr(builder_.CreateIsNull(counter), after, add);
    builder_.SetInsertPoint(add);
    builder_.CreateAtomicRMW(llvm::AtomicRMWInst::Add, counter,
                             builder_.getInt64(1), llvm::MaybeAlign(8),
                             llvm::AtomicOrdering::Monotonic);
    builder_.CreateBr(after);
    builder_.SetInsertPoint(after);
  }

  BpfModule& module_;
  llvm::Function* function_;
  llvm::GlobalVariable* events_;
  llvm::GlobalVariable* lost_;
  size_t probe_index_;
  const std::vector<UsdtArg>& args_;
  llvm::BasicBlock* entry_;
  llvm::BasicBlock* done_ = nullptr;
  llvm::IRBuilder<> builder_;
};

}  // namespace

LoweredProgram lower(const frontend::Program& program,
                     const CodegenOptions& options) {
  LoweredProgram out;
  out.module = std::make_unique<BpfModule>("ovsq");
  out.ringbuf_bytes = options.ringbuf_bytes;
  BpfModule& module = *out.module;
  llvm::GlobalVariable* events = module.define_map(
      runtime::kEventsMap,
      {{"type", BPF_MAP_TYPE_RINGBUF}, {"max_entries", options.ringbuf_bytes}});
  llvm::GlobalVariable* lost = module.define_map(
      runtime::kLostMap, {{"type", BPF_MAP_TYPE_PERCPU_ARRAY},
                          {"key_size", 4},
                          {"value_size", 8},
                          {"max_entries", 1}});
  // GPL: bpf_probe_read_user is a GPL-only helper.
  module.define_license("GPL");

  for (size_t c = 0; c < program.clauses.size(); ++c) {
    const frontend::Clause& clause = program.clauses[c];
    std::vector<uint32_t> layout_ids;
    for (const frontend::Stmt& stmt : clause.actions) {
      layout_ids.push_back(uint32_t(out.layouts.size()));
      out.layouts.push_back(layout_for(clause, std::get<frontend::PrintStmt>(stmt),
                                       uint32_t(out.layouts.size())));
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
          ProgramLowering(module, function, events, lost, p, location.args)
              .lower(clause, out.layouts, layout_ids);
        }
        out.attach_points.push_back(runtime::AttachPoint{
            runtime::AttachPoint::Trigger::Probe, it->second, probe.catalog->full_name(), location.file_offset,
            location.semaphore_file_offset});
      }
    }
  }
  return out;
}

}  // namespace ovsq::codegen
