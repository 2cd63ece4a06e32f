// Flow keys in BPF: copying a key into an event, and reading the fields of
// its netlink attributes (`key.ipv4.src`) for filters.
//
// A field read walks the attributes of a per-CPU copy of the key (one
// bpf_probe_read_user per event, at the clause's start) in a loop of at
// most kMaxAttributes steps.  Every offset into the copy is masked with
// kKeyScratchBytes - 1 and the buffer has slack after it, so the verifier
// sees each access in bounds whatever the key holds; the walk itself stops
// at the copied length, so a key longer than the copy is never misread
// (its later attributes are just not found).
#include <linux/bpf.h>
#include <linux/openvswitch.h>

#include "codegen/program_lowering.h"

namespace ovsq::codegen {

using frontend::Expr;

namespace {

// Attributes visited per walk: an OVS key has about 15, a tunnel ~8.
constexpr uint64_t kMaxAttributes = 32;
constexpr uint64_t kScratchMask = kKeyScratchBytes - 1;
static_assert((kKeyScratchBytes & kScratchMask) == 0, "a power of two");

// The `key` identifier a field access reads: key.ipv4.src -> key.
const Expr& key_of(const Expr& field) {
  const Expr* e = &field;
  while (const auto* access = e->as<frontend::MemberAccess>()) e = access->base.get();
  return *e;
}

template <typename F>
void visit_exprs(const Expr& expr, F&& f) {
  f(expr);
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, frontend::MemberAccess>) {
          visit_exprs(*node.base, f);
        } else if constexpr (std::is_same_v<T, frontend::Unary>) {
          visit_exprs(*node.operand, f);
        } else if constexpr (std::is_same_v<T, frontend::Binary>) {
          visit_exprs(*node.lhs, f);
          visit_exprs(*node.rhs, f);
        } else if constexpr (std::is_same_v<T, frontend::MapRead>) {
          for (const auto& k : node.keys) visit_exprs(*k, f);
        } else if constexpr (std::is_same_v<T, frontend::Call>) {
          for (const auto& a : node.args) visit_exprs(*a, f);
        }
      },
      expr.node);
}

// The first key-field access of the clause, or nullptr.
const Expr* first_key_field(const frontend::Clause& clause) {
  const Expr* found = nullptr;
  auto look = [&](const Expr& e) {
    if (!found && e.binding.kind == frontend::Binding::Kind::FlowKeyField) found = &e;
  };
  if (clause.predicate) visit_exprs(*clause.predicate, look);
  for (const frontend::Stmt& stmt : clause.actions)
    std::visit(
        [&](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, frontend::PrintStmt>) {
            for (const auto& item : s.items) visit_exprs(*item.expr, look);
          } else if constexpr (std::is_same_v<T, frontend::PrintfStmt>) {
            for (const auto& a : s.args) visit_exprs(*a, look);
          } else if constexpr (std::is_same_v<T, frontend::AggregateStmt>) {
            for (const auto& k : s.keys) visit_exprs(*k, look);
            visit_exprs(*s.call, look);
          } else if constexpr (std::is_same_v<T, frontend::AssignStmt>) {
            for (const auto& k : s.keys) visit_exprs(*k, look);
            visit_exprs(*s.value, look);
          } else if constexpr (std::is_same_v<T, frontend::DeleteStmt>) {
            for (const auto& k : s.keys) visit_exprs(*k, look);
          }
        },
        stmt);
  return found;
}

}  // namespace

bool clause_reads_key_fields(const frontend::Clause& clause) {
  return first_key_field(clause) != nullptr;
}

ProgramLowering::TargetKey ProgramLowering::flow_key(const Expr& key) {
  const frontend::FieldSource& source = key.binding.per_probe.at(probe_index_);
  if (!source.derived)  // the upcall: key and key_len arguments
    return {probe_arg(source.arg_index), probe_arg(source.length_arg_index)};
  return pointer_and_length(source.arg_index, source.member_offset,
                            source.length_member_offset);
}

// A pointer member and a length member of the struct argument `arg`
// points to (ukey->key and ukey->key_len).
ProgramLowering::TargetKey ProgramLowering::pointer_and_length(int arg, uint64_t pointer_offset,
                                                              uint64_t length_offset) {
  llvm::Value* base = probe_arg(arg);
  llvm::Value* address =
      read_user_int(builder_.CreateAdd(base, builder_.getInt64(pointer_offset)), 8, false);
  llvm::Value* length =
      read_user_int(builder_.CreateAdd(base, builder_.getInt64(length_offset)), 8, false);
  return {address, length};
}

// min(length, limit), as a compare and branch the verifier can follow.
static llvm::Value* clamp(llvm::IRBuilder<>& b, llvm::Value* length, uint64_t limit) {
  llvm::Value* max = b.getInt64(limit);
  return b.CreateSelect(b.CreateICmpUGT(length, max), max, length);
}

ProgramLowering::TargetKey ProgramLowering::flow_mask(const Expr& flow) {
  const frontend::FieldSource& source = flow.binding.per_probe.at(probe_index_);
  return pointer_and_length(source.arg_index, source.mask_member_offset,
                            source.mask_length_member_offset);
}

void ProgramLowering::store_flow_key(const Expr& key, llvm::Value* slot, uint32_t size) {
  if (!key.type.masked) return store_key_bytes(flow_key(key), slot, size);
  store_key_bytes(flow_key(key), slot, size / 2);
  store_key_bytes(flow_mask(key), byte_offset(slot, size / 2), size / 2);
}

// One half of a key column: u64 length, u32 bytes copied (0: unreadable),
// u32 zero, then the bytes.
void ProgramLowering::store_key_bytes(TargetKey target, llvm::Value* slot, uint32_t size) {
  uint32_t capacity = size - kFlowKeyHeaderBytes;
  llvm::Value* copy = clamp(builder_, target.length, capacity);
  llvm::Value* address = target.address;
  if (address->getType()->isIntegerTy()) address = builder_.CreateIntToPtr(address, ptr());
  llvm::Value* error = helper(BPF_FUNC_probe_read_user, i64(),
                              {byte_offset(slot, kFlowKeyHeaderBytes),
                               builder_.CreateTrunc(copy, builder_.getInt32Ty()), address});
  llvm::Value* copied = builder_.CreateSelect(
      builder_.CreateICmpEQ(error, builder_.getInt64(0)), copy, builder_.getInt64(0));
  builder_.CreateStore(target.length, slot);
  builder_.CreateStore(builder_.CreateTrunc(copied, builder_.getInt32Ty()), byte_offset(slot, 8));
  builder_.CreateStore(builder_.getInt32(0), byte_offset(slot, 12));
}

void ProgramLowering::copy_key_to_scratch(const frontend::Clause& clause,
                                          llvm::BasicBlock* done) {
  const Expr* field = first_key_field(clause);
  if (!field) return;
  llvm::AllocaInst* zero = scratch(builder_.getInt32Ty());
  builder_.CreateStore(builder_.getInt32(0), zero);
  llvm::Value* buffer =
      helper(BPF_FUNC_map_lookup_elem, ptr(), {globals_.key_scratch, zero});
  llvm::BasicBlock* copy = block("key.copy");
  builder_.CreateCondBr(builder_.CreateIsNull(buffer), done, copy);
  builder_.SetInsertPoint(copy);
  TargetKey target = flow_key(key_of(*field));
  llvm::Value* length = clamp(builder_, target.length, kKeyScratchBytes);
  llvm::Value* address = target.address;
  if (address->getType()->isIntegerTy()) address = builder_.CreateIntToPtr(address, ptr());
  llvm::Value* error = helper(BPF_FUNC_probe_read_user, i64(),
                              {buffer, builder_.CreateTrunc(length, builder_.getInt32Ty()),
                               address});
  key_scratch_ = buffer;
  key_copied_ = builder_.CreateSelect(builder_.CreateICmpEQ(error, builder_.getInt64(0)),
                                      length, builder_.getInt64(0));
}

llvm::Value* ProgramLowering::scratch_at(llvm::Value* offset) {
  return builder_.CreateGEP(builder_.getInt8Ty(), key_scratch_,
                            builder_.CreateAnd(offset, builder_.getInt64(kScratchMask)));
}

// Little-endian bytes, loaded one by one: the field may sit at any offset.
llvm::Value* ProgramLowering::load_bytes(llvm::Value* address, uint32_t size) {
  llvm::Value* v = builder_.getInt64(0);
  for (uint32_t i = 0; i < size && i < 8; ++i) {
    llvm::Value* byte = builder_.CreateLoad(builder_.getInt8Ty(), byte_offset(address, i));
    v = builder_.CreateOr(v, builder_.CreateShl(builder_.CreateZExt(byte, i64()), 8 * i));
  }
  return v;
}

ProgramLowering::Attribute ProgramLowering::find_attribute(llvm::Value* begin,
                                                           llvm::Value* end,
                                                           uint16_t type,
                                                           bool through_encap) {
  llvm::BasicBlock* before = builder_.GetInsertBlock();
  llvm::BasicBlock* header = block("attr.walk");
  llvm::BasicBlock* body = block("attr.read");
  llvm::BasicBlock* next = block("attr.next");
  llvm::BasicBlock* exit = block("attr.end");
  builder_.CreateBr(header);

  builder_.SetInsertPoint(header);
  llvm::PHINode* step = builder_.CreatePHI(i64(), 2);
  llvm::PHINode* offset = builder_.CreatePHI(i64(), 2);
  step->addIncoming(builder_.getInt64(0), before);
  offset->addIncoming(begin, before);
  llvm::Value* more = builder_.CreateAnd(
      builder_.CreateICmpULT(step, builder_.getInt64(kMaxAttributes)),
      builder_.CreateICmpULE(builder_.CreateAdd(offset, builder_.getInt64(4)), end));
  builder_.CreateCondBr(more, body, exit);

  builder_.SetInsertPoint(body);
  llvm::Value* nla_len = load_bytes(scratch_at(offset), 2);
  llvm::Value* nla_type = builder_.CreateAnd(
      load_bytes(scratch_at(builder_.CreateAdd(offset, builder_.getInt64(2))), 2),
      builder_.getInt64(0x3fff));  // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
  // A length that does not fit ends the walk: nothing after it is trusted.
  llvm::Value* sane = builder_.CreateAnd(
      builder_.CreateICmpUGE(nla_len, builder_.getInt64(4)),
      builder_.CreateICmpULE(builder_.CreateAdd(offset, nla_len), end));
  llvm::Value* match = builder_.CreateAnd(
      sane, builder_.CreateICmpEQ(nla_type, builder_.getInt64(type)));
  llvm::BasicBlock* body_end = builder_.GetInsertBlock();
  builder_.CreateCondBr(builder_.CreateAnd(sane, builder_.CreateNot(match)), next, exit);

  builder_.SetInsertPoint(next);
  llvm::Value* padded = builder_.CreateAnd(builder_.CreateAdd(nla_len, builder_.getInt64(3)),
                                           builder_.getInt64(~uint64_t(3)));
  llvm::Value* advance = padded;
  if (through_encap)  // encap's payload is more attributes: step into it
    advance = builder_.CreateSelect(
        builder_.CreateICmpEQ(nla_type, builder_.getInt64(OVS_KEY_ATTR_ENCAP)),
        builder_.getInt64(4), padded);
  step->addIncoming(builder_.CreateAdd(step, builder_.getInt64(1)), next);
  offset->addIncoming(builder_.CreateAdd(offset, advance), next);
  builder_.CreateBr(header);

  builder_.SetInsertPoint(exit);
  llvm::PHINode* found = builder_.CreatePHI(builder_.getInt1Ty(), 2);
  found->addIncoming(builder_.getInt1(false), header);
  found->addIncoming(match, body_end);
  llvm::PHINode* length = builder_.CreatePHI(i64(), 2);
  length->addIncoming(builder_.getInt64(0), header);
  length->addIncoming(nla_len, body_end);
  llvm::Value* payload = builder_.CreateAdd(offset, builder_.getInt64(4));
  llvm::Value* payload_length = builder_.CreateSelect(
      found, builder_.CreateSub(length, builder_.getInt64(4)), builder_.getInt64(0));
  return {found, payload, payload_length};
}

ProgramLowering::FieldRead ProgramLowering::flow_key_field(const Expr& field) {
  const probes::OdpField& f = *field.binding.odp_field;
  Attribute attribute;
  if (f.in_tunnel) {
    Attribute tunnel = find_attribute(builder_.getInt64(0), key_copied_,
                                      OVS_KEY_ATTR_TUNNEL, false);
    llvm::Value* tunnel_end = builder_.CreateSelect(
        tunnel.found, builder_.CreateAdd(tunnel.payload, tunnel.payload_length),
        builder_.getInt64(0));
    attribute = find_attribute(tunnel.payload, tunnel_end, f.attr_type, false);
  } else {
    attribute = find_attribute(builder_.getInt64(0), key_copied_, f.attr_type, true);
  }
  // An attribute too short for the field (another version's layout) has
  // no such field: never read past it.
  llvm::Value* present = builder_.CreateAnd(
      attribute.found, builder_.CreateICmpUGE(attribute.payload_length,
                                              builder_.getInt64(f.offset + f.size)));
  llvm::Value* address =
      scratch_at(builder_.CreateAdd(attribute.payload, builder_.getInt64(f.offset)));
  return {present, address};
}

// An integer field, host order (0 when absent; `present` says which).
llvm::Value* ProgramLowering::field_value(const Expr& field, llvm::Value** present) {
  const probes::OdpField& f = *field.binding.odp_field;
  FieldRead read = flow_key_field(field);
  if (present) *present = read.present;
  llvm::Value* v = load_bytes(read.address, f.size);
  if (f.kind == probes::OdpFieldKind::BigEndian && f.size > 1) {
    llvm::Type* narrow = builder_.getIntNTy(f.size * 8);
    v = builder_.CreateZExt(
        builder_.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, builder_.CreateTrunc(v, narrow)),
        i64());
  }
  if (f.shift) v = builder_.CreateLShr(v, f.shift);
  if (f.mask) v = builder_.CreateAnd(v, f.mask);
  return builder_.CreateSelect(read.present, v, builder_.getInt64(0));
}

llvm::Value* ProgramLowering::bytes_equal(llvm::Value* address,
                                          const frontend::AddressLiteral& literal) {
  return bytes_match(address,
                     std::string_view(reinterpret_cast<const char*>(literal.bytes.data()),
                                      literal.size()));
}

// ufid/address ==/!= literal.  A key field that is absent compares false
// either way: `key.tcp.dst != 443` does not hold for a UDP flow.
llvm::Value* ProgramLowering::address_comparison(const frontend::Binary& op) {
  const auto* literal = op.rhs->as<frontend::AddressLiteral>();
  const Expr& other = literal ? *op.lhs : *op.rhs;
  if (!literal) literal = op.lhs->as<frontend::AddressLiteral>();
  llvm::Value* equal = nullptr;
  llvm::Value* present = builder_.getInt1(true);
  if (const auto* both = other.as<frontend::AddressLiteral>()) {
    equal = builder_.getInt1(both->bytes == literal->bytes);
  } else if (other.binding.kind == frontend::Binding::Kind::FlowKeyField) {
    FieldRead read = flow_key_field(other);
    present = read.present;
    equal = bytes_equal(read.address, *literal);
  } else {  // a ufid in the target
    llvm::AllocaInst* bytes = scratch_bytes(16);
    read_user(bytes, 16, ufid_address(other));
    equal = bytes_equal(bytes, *literal);
    builder_.CreateLifetimeEnd(bytes);
  }
  if (op.op == frontend::BinaryOp::Ne) equal = builder_.CreateNot(equal);
  return builder_.CreateZExt(builder_.CreateAnd(present, equal), i64());
}

// An address value into an event or a map key: a literal's bytes, a key
// field's (zeros when absent) or, for a ufid, the target's.
void ProgramLowering::store_address(const Expr& expr, llvm::Value* slot, uint32_t size) {
  if (const auto* literal = expr.as<frontend::AddressLiteral>()) {
    for (uint32_t i = 0; i < literal->size() && i < size; ++i)
      builder_.CreateStore(builder_.getInt8(literal->bytes[i]), byte_offset(slot, i));
    return;
  }
  if (expr.binding.kind == frontend::Binding::Kind::FlowKeyField) {
    FieldRead read = flow_key_field(expr);
    uint32_t n = std::min(size, expr.type.size);
    for (uint32_t i = 0; i < n; ++i) {
      llvm::Value* byte = builder_.CreateLoad(builder_.getInt8Ty(), byte_offset(read.address, i));
      builder_.CreateStore(builder_.CreateSelect(read.present, byte, builder_.getInt8(0)),
                           byte_offset(slot, i));
    }
    return;
  }
  read_user(slot, 16, ufid_address(expr));
}

}  // namespace ovsq::codegen
