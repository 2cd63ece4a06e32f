#include "codegen/program_lowering.h"

#include <linux/bpf.h>
#include <llvm/IR/IntrinsicsBPF.h>

namespace ovsq::codegen {

using frontend::Binary;
using frontend::BinaryOp;
using frontend::Binding;
using frontend::Expr;
using frontend::ValueType;
using probes::UsdtArg;
using probes::UsdtArgKind;

ProgramLowering::ProgramLowering(BpfModule& module, const ModuleGlobals& globals,
                                 llvm::Function* function, int probe_index,
                                 std::string probe_name,
                                 const std::vector<UsdtArg>& args)
    : module_(module),
      globals_(globals),
      function_(function),
      probe_index_(probe_index),
      probe_name_(std::move(probe_name)),
      args_(args),
      entry_(llvm::BasicBlock::Create(module.context(), "entry", function)),
      builder_(entry_) {}

void ProgramLowering::lower(const frontend::Clause& clause,
                            const std::vector<runtime::EventLayout>& layouts,
                            const std::vector<StatementPlan>& plans) {
  builder_.SetCurrentDebugLocation(llvm::DILocation::get(
      ctx(), clause.loc.line, clause.loc.column, function_->getSubprogram()));
  llvm::BasicBlock* start = block("start");
  llvm::BasicBlock* body = block("body");
  llvm::BasicBlock* done = block("done");
  builder_.SetInsertPoint(start);
  copy_key_to_scratch(clause, done);
  if (clause.predicate) {
    builder_.CreateCondBr(truth(value(*clause.predicate)), body, done);
  } else {
    builder_.CreateBr(body);
  }
  builder_.SetInsertPoint(body);
  for (size_t i = 0; i < clause.actions.size(); ++i) {
    const frontend::Stmt& stmt = clause.actions[i];
    if (const auto* print = std::get_if<frontend::PrintStmt>(&stmt)) {
      std::vector<const Expr*> exprs;
      for (const frontend::PrintItem& item : print->items)
        exprs.push_back(item.expr.get());
      emit_event(exprs, layouts[plans[i].layout_id]);
    } else if (const auto* printf = std::get_if<frontend::PrintfStmt>(&stmt)) {
      std::vector<const Expr*> exprs;
      for (const frontend::ExprPtr& arg : printf->args) exprs.push_back(arg.get());
      emit_event(exprs, layouts[plans[i].layout_id]);
    } else if (const auto* aggregate = std::get_if<frontend::AggregateStmt>(&stmt)) {
      emit_aggregate(*aggregate, plans[i].site_id);
    } else if (const auto* assign = std::get_if<frontend::AssignStmt>(&stmt)) {
      emit_assign(*assign, plans[i].site_id);
    } else if (const auto* del = std::get_if<frontend::DeleteStmt>(&stmt)) {
      emit_delete(*del);
    } else if (std::holds_alternative<frontend::ExitStmt>(stmt)) {
      emit_exit();
    }
  }
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
  builder_.CreateRet(builder_.getInt32(0));
  // Allocas live in the entry block; it falls through to the code.
  llvm::IRBuilder<> entry_builder(entry_);
  entry_builder.SetCurrentDebugLocation(builder_.getCurrentDebugLocation());
  entry_builder.CreateBr(start);
}

// ---- plumbing --------------------------------------------------------------

llvm::BasicBlock* ProgramLowering::block(const char* name) {
  return llvm::BasicBlock::Create(ctx(), name, function_);
}

llvm::AllocaInst* ProgramLowering::scratch(llvm::Type* type) {
  llvm::IRBuilder<> entry_builder(entry_, entry_->begin());
  return entry_builder.CreateAlloca(type);
}

llvm::AllocaInst* ProgramLowering::scratch_bytes(uint32_t size) {
  llvm::IRBuilder<> entry_builder(entry_, entry_->begin());
  llvm::AllocaInst* slot =
      entry_builder.CreateAlloca(llvm::ArrayType::get(builder_.getInt8Ty(), size));
  slot->setAlignment(llvm::Align(8));
  // Live from here to its user's end_lifetime(), so that LLVM can give
  // statements that follow each other the same stack bytes (BPF has 512).
  builder_.CreateLifetimeStart(slot, builder_.getInt64(size));
  // Zeroed where it is used: the verifier wants initialised stack for map
  // keys, and padding must not make equal keys differ.
  builder_.CreateMemSet(slot, builder_.getInt8(0), size, llvm::MaybeAlign(8));
  return slot;
}

llvm::Value* ProgramLowering::byte_offset(llvm::Value* base, uint64_t offset) {
  if (base->getType()->isIntegerTy()) base = builder_.CreateIntToPtr(base, ptr());
  return builder_.CreateGEP(builder_.getInt8Ty(), base, builder_.getInt64(offset));
}

llvm::Value* ProgramLowering::extend(llvm::Value* narrow, bool is_signed) {
  return is_signed ? builder_.CreateSExt(narrow, i64())
                   : builder_.CreateZExt(narrow, i64());
}

llvm::Value* ProgramLowering::helper(int id, llvm::Type* result,
                                     llvm::ArrayRef<llvm::Value*> args) {
  return module_.call_helper(builder_, id, result, args);
}

llvm::Value* ProgramLowering::truth(llvm::Value* v) {
  return builder_.CreateICmpNE(v, builder_.getInt64(0));
}

// ---- target memory and probe arguments ------------------------------------

// Copies `size` bytes of the traced process's memory at `address` to
// `destination` (zeroed by the kernel if the read faults).
void ProgramLowering::read_user(llvm::Value* destination, uint32_t size,
                                llvm::Value* address) {
  if (address->getType()->isIntegerTy())
    address = builder_.CreateIntToPtr(address, ptr());
  helper(BPF_FUNC_probe_read_user, i64(),
         {destination, builder_.getInt32(size), address});
}

llvm::Value* ProgramLowering::read_user_int(llvm::Value* address, uint32_t size,
                                            bool is_signed) {
  llvm::Type* narrow = builder_.getIntNTy(size * 8);
  llvm::AllocaInst* slot = scratch(narrow);
  builder_.CreateLifetimeStart(slot, builder_.getInt64(size));
  read_user(slot, size, address);
  llvm::Value* value = builder_.CreateLoad(narrow, slot);
  builder_.CreateLifetimeEnd(slot, builder_.getInt64(size));
  return extend(value, is_signed);
}

llvm::Value* ProgramLowering::register_value(const UsdtArg& arg) {
  llvm::Value* slot = byte_offset(function_->getArg(0), arg.pt_regs_offset);
  return builder_.CreateLoad(i64(), slot);
}

llvm::Value* ProgramLowering::probe_arg(int index) {
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

llvm::Value* ProgramLowering::ufid_address(const Expr& expr) {
  const frontend::FieldSource& source = expr.binding.per_probe.at(probe_index_);
  llvm::Value* address = builder_.CreateAdd(
      probe_arg(source.arg_index), builder_.getInt64(source.member_offset));
  if (source.member_is_pointer) address = read_user_int(address, 8, false);
  return address;
}

llvm::Value* ProgramLowering::address(const Expr& expr) {
  const auto* access = expr.as<frontend::MemberAccess>();
  llvm::Value* base = access->arrow ? value(*access->base) : address(*access->base);
  return builder_.CreateAdd(base, builder_.getInt64(expr.binding.offset));
}

// ---- expressions -----------------------------------------------------------

llvm::Value* ProgramLowering::value(const Expr& expr) {
  if (const auto* literal = expr.as<frontend::IntLiteral>())
    return builder_.getInt64(literal->value);
  if (expr.as<frontend::Identifier>()) {
    if (expr.binding.kind == Binding::Kind::EnumConstant)
      return builder_.getInt64(expr.binding.constant);
    if (expr.binding.kind == Binding::Kind::Builtin) return builtin(expr);
    return probe_arg(expr.binding.per_probe.at(probe_index_).arg_index);
  }
  if (expr.binding.kind == Binding::Kind::FlowKeyField) return field_value(expr);
  if (expr.as<frontend::MemberAccess>())
    return read_user_int(address(expr), expr.type.size, expr.type.is_signed);
  if (expr.as<frontend::MapRead>()) return map_read(expr);
  if (const auto* call = expr.as<frontend::Call>()) {
    switch (call->function->kind) {
      case frontend::Function::Meaning: return value(*call->args[0]);  // e's value
      case frontend::Function::Str: break;  // a string: store_string() reads it
    }
  }
  if (const auto* unary = expr.as<frontend::Unary>()) {
    llvm::Value* operand = value(*unary->operand);
    switch (unary->op) {
      case frontend::UnaryOp::Not:
        return builder_.CreateZExt(
            builder_.CreateICmpEQ(operand, builder_.getInt64(0)), i64());
      case frontend::UnaryOp::Negate: return builder_.CreateNeg(operand);
      case frontend::UnaryOp::BitNot: return builder_.CreateNot(operand);
    }
  }
  if (const auto* op = expr.as<Binary>()) return binary(expr, *op);
  return builder_.getInt64(0);  // sema let nothing else through
}

// One case per builtin (frontend/builtins.h); sema typed it from its row.
llvm::Value* ProgramLowering::builtin(const Expr& expr) {
  using frontend::Builtin;
  switch (expr.binding.builtin) {
    case Builtin::Now: return helper(BPF_FUNC_ktime_get_ns, i64(), {});
    case Builtin::Walltime:
      return builder_.CreateAdd(helper(BPF_FUNC_ktime_get_boot_ns, i64(), {}),
                                builder_.getInt64(globals_.walltime_offset_ns));
    case Builtin::Pid:
      return builder_.CreateLShr(helper(BPF_FUNC_get_current_pid_tgid, i64(), {}),
                                 builder_.getInt64(32));
    case Builtin::Tid:
      return builder_.CreateAnd(helper(BPF_FUNC_get_current_pid_tgid, i64(), {}),
                                builder_.getInt64(0xffffffff));
    case Builtin::Uid:
      return builder_.CreateAnd(helper(BPF_FUNC_get_current_uid_gid, i64(), {}),
                                builder_.getInt64(0xffffffff));
    case Builtin::Cpu:
      return helper(BPF_FUNC_get_smp_processor_id, i64(), {});
    case Builtin::Probe:
      for (const probes::Enumerator& e : expr.type.c_type->enumerators)
        if (e.name == probe_name_) return builder_.getInt64(e.value);
      return builder_.getInt64(-1);
    case Builtin::Comm: break;  // a string: store_string() reads it
  }
  return builder_.getInt64(0);
}

llvm::Value* ProgramLowering::logical(const Binary& op) {
  // && and || short-circuit: the right side may read memory that is only
  // valid when the left side holds.
  bool is_and = op.op == BinaryOp::LogicalAnd;
  llvm::Value* left = truth(value(*op.lhs));
  llvm::BasicBlock* left_block = builder_.GetInsertBlock();
  llvm::BasicBlock* right_block = block(is_and ? "and.rhs" : "or.rhs");
  llvm::BasicBlock* join = block(is_and ? "and.end" : "or.end");
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

// Signed division by way of unsigned: cpu v3 has no sdiv.
llvm::Value* ProgramLowering::signed_divide(llvm::Value* a, llvm::Value* b,
                                            bool remainder) {
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

llvm::Value* ProgramLowering::binary(const Expr& expr, const Binary& op) {
  if (op.op == BinaryOp::LogicalAnd || op.op == BinaryOp::LogicalOr)
    return logical(op);
  if (op.lhs->type.kind == ValueType::Kind::String) {
    // Sema allows only == and != with a literal on one side.
    const auto* literal = op.rhs->as<frontend::StringLiteral>();
    const Expr& other = literal ? *op.lhs : *op.rhs;
    if (!literal) literal = op.lhs->as<frontend::StringLiteral>();
    llvm::Value* equal = string_equals(other, *literal);
    if (op.op == BinaryOp::Ne) equal = builder_.CreateNot(equal);
    return builder_.CreateZExt(equal, i64());
  }
  if (op.lhs->type.is_address()) return address_comparison(op);
  // A comparison with a flow-key field that is absent is false.
  llvm::Value* present = nullptr;
  auto operand = [&](const Expr& e) {
    if (e.binding.kind != Binding::Kind::FlowKeyField || !(op.op >= BinaryOp::Eq && op.op <= BinaryOp::Ge))
      return value(e);
    llvm::Value* here = nullptr;
    llvm::Value* v = field_value(e, &here);
    present = present ? builder_.CreateAnd(present, here) : here;
    return v;
  };
  llvm::Value* l = operand(*op.lhs);
  llvm::Value* r = operand(*op.rhs);
  auto unsigned_64 = [](const ValueType& t) {
    return t.kind == ValueType::Kind::Pointer || (!t.is_signed && t.size >= 8);
  };
  bool is_unsigned = unsigned_64(op.lhs->type) || unsigned_64(op.rhs->type);
  auto compare = [&](llvm::CmpInst::Predicate s, llvm::CmpInst::Predicate u) {
    llvm::Value* holds = builder_.CreateICmp(is_unsigned ? u : s, l, r);
    if (present) holds = builder_.CreateAnd(present, holds);
    return builder_.CreateZExt(holds, i64());
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
      // x / 0 is 0 in BPF, as the kernel defines it.
      return remainder ? builder_.CreateURem(l, r) : builder_.CreateUDiv(l, r);
    }
    default: break;
  }
  return builder_.getInt64(0);
}

// The string equals the literal: the same bytes, then a NUL (or the end of
// the string's buffer).
llvm::Value* ProgramLowering::string_equals(const Expr& string,
                                            const frontend::StringLiteral& literal) {
  uint32_t size = string.type.size;
  if (string.as<frontend::StringLiteral>())  // "a" == "b": known now
    return builder_.getInt1(string.as<frontend::StringLiteral>()->value ==
                            literal.value);
  if (literal.value.size() > size) return builder_.getInt1(false);
  llvm::AllocaInst* bytes = scratch_bytes((size + 7) / 8 * 8);
  store_string(string, bytes, size);
  size_t n = std::min<size_t>(literal.value.size() + 1, size);
  std::string want = literal.value;
  want.push_back('\0');
  llvm::Value* equal = bytes_match(bytes, std::string_view(want).substr(0, n));
  builder_.CreateLifetimeEnd(bytes);
  return equal;
}

// The differences of every byte, ORed together, compared with 0 once.
// A compare per byte ANDed together would not do: BPF has no
// set-on-compare instruction, so each compare becomes a branch that sets
// a register to 0 or 1, and the verifier walks every combination of them
// (2^N paths: a 16-byte ufid or a 20-character string literal was enough
// to hit its million-instruction limit, found by tests/generated).
// InstCombine knows that rewrite too ("(a^b)|(c^d) == 0" is "a == b &&
// c == d"), so the OR goes through llvm.bpf.passthrough, an identity it
// cannot see through and the BPF backend removes before instruction
// selection.
llvm::Value* ProgramLowering::bytes_match(llvm::Value* address, std::string_view want) {
  llvm::Value* difference = builder_.getInt64(0);
  for (size_t i = 0; i < want.size(); ++i) {
    llvm::Value* byte = builder_.CreateZExt(
        builder_.CreateLoad(builder_.getInt8Ty(), byte_offset(address, i)), i64());
    difference = builder_.CreateOr(
        difference, builder_.CreateXor(byte, builder_.getInt64(uint8_t(want[i]))));
  }
  llvm::Function* passthrough = llvm::Intrinsic::getDeclaration(
      &module_.module(), llvm::Intrinsic::bpf_passthrough, {i64(), i64()});
  difference = builder_.CreateCall(passthrough, {builder_.getInt32(0), difference});
  return builder_.CreateICmpEQ(difference, builder_.getInt64(0));
}

llvm::Value* ProgramLowering::map_read(const Expr& expr) {
  const auto& read = *expr.as<frontend::MapRead>();
  llvm::Value* key = map_key(expr.binding.map_id, read.keys, nullptr);
  llvm::Value* found = helper(BPF_FUNC_map_lookup_elem, ptr(),
                              {globals_.maps[expr.binding.map_id], key});
  builder_.CreateLifetimeEnd(key);
  llvm::BasicBlock* before = builder_.GetInsertBlock();
  llvm::BasicBlock* load = block("map.found");
  llvm::BasicBlock* join = block("map.read");
  builder_.CreateCondBr(builder_.CreateIsNull(found), join, load);
  builder_.SetInsertPoint(load);
  llvm::Value* stored = builder_.CreateLoad(i64(), found);
  builder_.CreateBr(join);
  builder_.SetInsertPoint(join);
  llvm::PHINode* phi = builder_.CreatePHI(i64(), 2);
  phi->addIncoming(builder_.getInt64(0), before);  // a missing key reads 0
  phi->addIncoming(stored, load);
  return phi;
}

void ProgramLowering::store_string(const Expr& expr, llvm::Value* slot,
                                   uint32_t size) {
  if (const auto* literal = expr.as<frontend::StringLiteral>()) {
    for (size_t i = 0; i < std::min<size_t>(literal->value.size(), size); ++i)
      builder_.CreateStore(builder_.getInt8(uint8_t(literal->value[i])),
                           byte_offset(slot, i));
    return;
  }
  if (const auto* call = expr.as<frontend::Call>()) {
    // str(p, n), the only function whose value is a string
    llvm::Value* pointer = value(*call->args[0]);
    if (pointer->getType()->isIntegerTy()) pointer = builder_.CreateIntToPtr(pointer, ptr());
    helper(BPF_FUNC_probe_read_user_str, i64(),
           {slot, builder_.getInt32(std::min(size, expr.type.size)), pointer});
    return;
  }
  if (expr.binding.kind == Binding::Kind::Builtin) {  // comm
    helper(BPF_FUNC_get_current_comm, i64(),
           {slot, builder_.getInt32(std::min<uint32_t>(size, 16))});
    return;
  }
  // char name[N] in target memory.
  read_user(slot, std::min(size, expr.type.size), address(expr));
}

void ProgramLowering::store(const Expr& expr, llvm::Value* slot, uint32_t size) {
  if (expr.type.kind == ValueType::Kind::FlowKey) {
    store_flow_key(expr, slot, size);
  } else if (expr.type.is_address()) {
    store_address(expr, slot, size);
  } else if (expr.type.kind == ValueType::Kind::String) {
    store_string(expr, slot, size);
  } else {
    builder_.CreateStore(builder_.CreateTrunc(value(expr), builder_.getIntNTy(size * 8)),
                         slot);
  }
}

// ---- statements ------------------------------------------------------------

// Reserves an event, fills it and submits it; counts it as lost when the
// ring buffer is full.
void ProgramLowering::emit_event(const std::vector<const Expr*>& exprs,
                                 const runtime::EventLayout& layout) {
  llvm::Value* event = helper(
      BPF_FUNC_ringbuf_reserve, ptr(),
      {globals_.events, builder_.getInt64(layout.size), builder_.getInt64(0)});
  llvm::BasicBlock* full = block("ringbuf.full");
  llvm::BasicBlock* fill = block("ringbuf.fill");
  llvm::BasicBlock* next = block("event.end");
  builder_.CreateCondBr(builder_.CreateIsNull(event), full, fill);

  builder_.SetInsertPoint(full);
  bump_counter(globals_.lost, 0);
  builder_.CreateBr(next);

  builder_.SetInsertPoint(fill);
  builder_.CreateStore(builder_.getInt64(layout.id), event);
  for (size_t i = 0; i < exprs.size(); ++i) {
    const runtime::Column& column = layout.columns[i];
    llvm::Value* slot = byte_offset(event, column.offset);
    if (column.kind == runtime::ColumnKind::String)  // ring memory is not zeroed
      builder_.CreateMemSet(slot, builder_.getInt8(0), column.size, llvm::MaybeAlign(1));
    store(*exprs[i], slot, column.size);
  }
  helper(BPF_FUNC_ringbuf_submit, builder_.getVoidTy(), {event, builder_.getInt64(0)});
  builder_.CreateBr(next);
  builder_.SetInsertPoint(next);
}

// Raises the exit flag (which the runtime polls), then sends an event so
// that it wakes at once.
void ProgramLowering::emit_exit() {
  llvm::AllocaInst* key = scratch(builder_.getInt32Ty());
  builder_.CreateStore(builder_.getInt32(0), key);
  llvm::Value* flag = helper(BPF_FUNC_map_lookup_elem, ptr(), {globals_.exit_flag, key});
  llvm::BasicBlock* set = block("exit.set");
  llvm::BasicBlock* after = block("exit.event");
  builder_.CreateCondBr(builder_.CreateIsNull(flag), after, set);
  builder_.SetInsertPoint(set);
  builder_.CreateStore(builder_.getInt64(1), flag);
  builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
  runtime::EventLayout exit_layout;
  exit_layout.id = runtime::kExitEventId;
  exit_layout.size = kEventHeaderBytes;
  emit_event({}, exit_layout);
}

void ProgramLowering::bump_counter(llvm::GlobalVariable* array, uint32_t index) {
  llvm::AllocaInst* key = scratch(builder_.getInt32Ty());
  builder_.CreateStore(builder_.getInt32(index), key);
  llvm::Value* counter = helper(BPF_FUNC_map_lookup_elem, ptr(), {array, key});
  llvm::BasicBlock* add = block("counter.add");
  llvm::BasicBlock* after = block("counter.end");
  builder_.CreateCondBr(builder_.CreateIsNull(counter), after, add);
  builder_.SetInsertPoint(add);
  builder_.CreateAtomicRMW(llvm::AtomicRMWInst::Add, counter, builder_.getInt64(1),
                           llvm::MaybeAlign(8), llvm::AtomicOrdering::Monotonic);
  builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
}

llvm::Value* ProgramLowering::map_key(int map_id,
                                      const std::vector<frontend::ExprPtr>& keys,
                                      llvm::Value* bucket) {
  const MapKeyLayout& layout = globals_.key_layouts[map_id];
  llvm::AllocaInst* key = scratch_bytes(layout.size);
  for (size_t i = 0; i < keys.size(); ++i) {
    const runtime::Column& component = layout.components[i];
    store(*keys[i], byte_offset(key, component.offset), component.size);
  }
  if (bucket) builder_.CreateStore(bucket, byte_offset(key, layout.bucket_offset));
  return key;
}

// Power-of-two bucket (bpf_program.h): 0 for v < 0, 1 for 0, else
// 2 + floor(log2(v)), found by a branch-free binary search.
llvm::Value* ProgramLowering::hist_bucket(llvm::Value* v) {
  llvm::Value* zero = builder_.getInt64(0);
  llvm::Value* x = v;
  llvm::Value* log = zero;
  for (uint64_t shift : {32, 16, 8, 4, 2, 1}) {
    llvm::Value* big = builder_.CreateICmpUGE(x, builder_.getInt64(uint64_t(1) << shift));
    x = builder_.CreateSelect(big, builder_.CreateLShr(x, builder_.getInt64(shift)), x);
    log = builder_.CreateSelect(big, builder_.CreateAdd(log, builder_.getInt64(shift)), log);
  }
  llvm::Value* positive = builder_.CreateAdd(log, builder_.getInt64(2));
  llvm::Value* index = builder_.CreateSelect(
      builder_.CreateICmpEQ(v, zero), builder_.getInt64(1), positive);
  return builder_.CreateSelect(builder_.CreateICmpSLT(v, zero), zero, index);
}

llvm::Value* ProgramLowering::lhist_bucket(llvm::Value* v,
                                           const frontend::MapInfo& map) {
  auto buckets = lhist_buckets(map.lhist_min, map.lhist_max, map.lhist_step);
  llvm::Value* offset = builder_.CreateSub(v, builder_.getInt64(map.lhist_min));
  llvm::Value* inside = builder_.CreateAdd(
      builder_.CreateUDiv(offset, builder_.getInt64(map.lhist_step)),
      builder_.getInt64(1));
  inside = builder_.CreateSelect(
      builder_.CreateICmpSGE(v, builder_.getInt64(map.lhist_max)),
      builder_.getInt64(buckets + 1), inside);
  return builder_.CreateSelect(builder_.CreateICmpSLT(v, builder_.getInt64(map.lhist_min)),
                               builder_.getInt64(0), inside);
}

// Per-CPU update: find this CPU's value (creating it zeroed), then change
// it in place; no atomics, no other CPU touches it.  The switch at the end
// is each kind's update of its value (support/aggregations.h has the
// layouts; runtime/aggregation.cpp combines the CPUs' values).
void ProgramLowering::emit_aggregate(const frontend::AggregateStmt& stmt,
                                     uint32_t site) {
  using K = frontend::AggregationKind;
  const frontend::MapInfo& map = globals_.program->maps[stmt.map_id];
  const auto& call = *stmt.call->as<frontend::Call>();
  llvm::Value* v = call.args.empty() ? nullptr : value(*call.args[0]);
  llvm::Value* bucket = nullptr;
  if (stmt.kind == K::Hist) bucket = hist_bucket(v);
  if (stmt.kind == K::Lhist) bucket = lhist_bucket(v, map);
  llvm::Value* key = map_key(stmt.map_id, stmt.keys, bucket);
  llvm::GlobalVariable* bpf_map = globals_.maps[stmt.map_id];

  llvm::Value* found = helper(BPF_FUNC_map_lookup_elem, ptr(), {bpf_map, key});
  llvm::BasicBlock* found_block = builder_.GetInsertBlock();
  llvm::BasicBlock* create = block("agg.create");
  llvm::BasicBlock* created = block("agg.created");
  llvm::BasicBlock* full = block("agg.full");
  llvm::BasicBlock* update = block("agg.update");
  llvm::BasicBlock* done = block("agg.end");
  builder_.CreateCondBr(builder_.CreateIsNull(found), create, update);

  builder_.SetInsertPoint(create);
  llvm::AllocaInst* zero = scratch_bytes(aggregation_value_size(stmt.kind));
  helper(BPF_FUNC_map_update_elem, i64(),
         {bpf_map, key, zero, builder_.getInt64(BPF_NOEXIST)});
  builder_.CreateLifetimeEnd(zero);
  // Another CPU may have created it meanwhile (NOEXIST fails, the lookup
  // finds it); if the lookup fails too, the map is full.
  llvm::Value* again = helper(BPF_FUNC_map_lookup_elem, ptr(), {bpf_map, key});
  builder_.CreateCondBr(builder_.CreateIsNull(again), full, created);
  builder_.SetInsertPoint(full);
  bump_counter(globals_.map_full, site);
  builder_.CreateBr(done);
  builder_.SetInsertPoint(created);
  builder_.CreateBr(update);

  builder_.SetInsertPoint(update);
  llvm::PHINode* slot = builder_.CreatePHI(ptr(), 2);
  slot->addIncoming(found, found_block);
  slot->addIncoming(again, created);
  llvm::Value* first = slot;
  llvm::Value* second = byte_offset(slot, 8);
  auto add = [&](llvm::Value* at, llvm::Value* amount) {
    builder_.CreateStore(builder_.CreateAdd(builder_.CreateLoad(i64(), at), amount), at);
  };
  switch (stmt.kind) {
    case K::Count: add(first, builder_.getInt64(1)); break;
    case K::Hist:
    case K::Lhist:
      add(first, builder_.getInt64(1));
      add(second, v);  // the bucket's sum: a histogram's _sum (metrics/)
      break;
    case K::Sum: add(first, v); break;
    case K::Avg:
    case K::Stats:
      add(first, v);
      add(second, builder_.getInt64(1));
      break;
    case K::Min:
    case K::Max: {
      llvm::Value* current = builder_.CreateLoad(i64(), first);
      llvm::Value* seen = builder_.CreateLoad(i64(), second);
      llvm::Value* better = stmt.kind == K::Min ? builder_.CreateICmpSLT(v, current)
                                                : builder_.CreateICmpSGT(v, current);
      llvm::Value* take = builder_.CreateOr(
          builder_.CreateICmpEQ(seen, builder_.getInt64(0)), better);
      builder_.CreateStore(builder_.CreateSelect(take, v, current), first);
      builder_.CreateStore(builder_.CreateAdd(seen, builder_.getInt64(1)), second);
      break;
    }
  }
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
  builder_.CreateLifetimeEnd(key);
}

void ProgramLowering::emit_assign(const frontend::AssignStmt& stmt, uint32_t site) {
  llvm::Value* v = value(*stmt.value);
  llvm::Value* key = map_key(stmt.map_id, stmt.keys, nullptr);
  llvm::AllocaInst* stored = scratch(i64());
  builder_.CreateStore(v, stored);
  llvm::Value* err = helper(BPF_FUNC_map_update_elem, i64(),
                            {globals_.maps[stmt.map_id], key, stored,
                             builder_.getInt64(BPF_ANY)});
  builder_.CreateLifetimeEnd(key);
  llvm::BasicBlock* full = block("assign.full");
  llvm::BasicBlock* done = block("assign.end");
  builder_.CreateCondBr(builder_.CreateICmpNE(err, builder_.getInt64(0)), full, done);
  builder_.SetInsertPoint(full);
  bump_counter(globals_.map_full, site);
  builder_.CreateBr(done);
  builder_.SetInsertPoint(done);
}

void ProgramLowering::emit_delete(const frontend::DeleteStmt& stmt) {
  llvm::Value* key = map_key(stmt.map_id, stmt.keys, nullptr);
  helper(BPF_FUNC_map_delete_elem, i64(), {globals_.maps[stmt.map_id], key});
  builder_.CreateLifetimeEnd(key);
}

}  // namespace ovsq::codegen
