// Sema for datapath flow keys and address-like values:
//   key                 the flow key of the probe (ukey->key, put->key, the
//                       upcall's key argument), printed as an ODP string
//   key.ipv4.src        a field of one of its attributes (probes/odp_key.h)
//   ufid == ufid:...    ufids, IPv4/IPv6 and MAC addresses compare with a
//                       literal of the same kind
#include <algorithm>

#include "frontend/sema.h"

namespace ovsq::frontend {
namespace {

using probes::TypeKind;
using probes::TypeRef;

ValueType field_type(const probes::OdpField& field) {
  ValueType t;
  t.size = field.size;
  switch (field.kind) {
    case probes::OdpFieldKind::Native:
    case probes::OdpFieldKind::BigEndian: t.kind = ValueType::Kind::Integer; break;
    case probes::OdpFieldKind::Ipv4: t.kind = ValueType::Kind::Ipv4; break;
    case probes::OdpFieldKind::Ipv6: t.kind = ValueType::Kind::Ipv6; break;
    case probes::OdpFieldKind::Mac: t.kind = ValueType::Kind::Mac; break;
  }
  return t;
}

// An example literal for messages.
const char* example_literal(ValueType::Kind kind) {
  switch (kind) {
    case ValueType::Kind::Ufid: return "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697";
    case ValueType::Kind::Ipv4: return "192.168.10.10";
    case ValueType::Kind::Ipv6: return "2001:db8::1";
    case ValueType::Kind::Mac: return "0e:04:47:fc:74:51";
    default: return "";
  }
}

ValueType::Kind literal_kind(const AddressLiteral& literal) {
  switch (literal.kind) {
    case AddressLiteral::Kind::Ufid: return ValueType::Kind::Ufid;
    case AddressLiteral::Kind::Ipv4: return ValueType::Kind::Ipv4;
    case AddressLiteral::Kind::Ipv6: return ValueType::Kind::Ipv6;
    case AddressLiteral::Kind::Mac: return ValueType::Kind::Mac;
  }
  return ValueType::Kind::Unknown;
}

}  // namespace

ValueType address_literal_type(const AddressLiteral& literal) {
  ValueType t;
  t.kind = literal_kind(literal);
  t.size = literal.size();
  return t;
}

// `key` on every probe of the clause: where its pointer and length are.
bool Sema::check_flow_key(Expr& expr, const Clause& clause) {
  const std::string& name = expr.as<Identifier>()->name;
  expr.binding.kind = Binding::Kind::FlowKey;
  for (const ProbeRef& probe : clause.probes) {
    const probes::CatalogProbe& catalog = *probe.catalog;
    if (!catalog.is_flow_key(name)) {
      diagnostics_.error<DiagnosticKind::FieldNotShared>(expr.loc, {name, probe.name});
      return false;
    }
    FieldSource source;
    if (int arg = catalog.arg_index(name); arg >= 0) {
      source.arg_index = arg;
      source.length_arg_index = catalog.arg_index(catalog.args[arg].length_arg);
    } else {
      const probes::DerivedField& d = *catalog.find_derived(name);
      source.derived = true;
      source.arg_index = catalog.arg_index(d.arg);
      TypeRef pointer = arg_type(catalog.args[source.arg_index]);
      TypeRef target = pointer->kind == TypeKind::Pointer ? pointer->target : nullptr;
      std::optional<probes::Member> key = target ? target->find_member(d.member) : std::nullopt;
      std::optional<probes::Member> length =
          target ? target->find_member(d.length_member) : std::nullopt;
      if (!key || !length || key->type->kind != TypeKind::Pointer ||
          !length->type->is_integer()) {
        diagnostics_.error<DiagnosticKind::OpaqueStruct>(expr.loc,
                           {name, target ? target->name : pointer->name});
        return false;
      }
      source.member_offset = key->offset;
      source.member_is_pointer = true;
      source.length_member_offset = length->offset;
      if (!d.mask_member.empty()) {  // `flow`: the mask beside the key
        std::optional<probes::Member> mask = target->find_member(d.mask_member);
        std::optional<probes::Member> mask_length = target->find_member(d.mask_length_member);
        if (!mask || !mask_length || mask->type->kind != TypeKind::Pointer ||
            !mask_length->type->is_integer()) {
          diagnostics_.error<DiagnosticKind::OpaqueStruct>(expr.loc, {name, target->name});
          return false;
        }
        source.mask_member_offset = mask->offset;
        source.mask_length_member_offset = mask_length->offset;
        expr.type.masked = true;
      }
    }
    expr.binding.per_probe.push_back(source);
  }
  expr.type.kind = ValueType::Kind::FlowKey;
  expr.type.size = flow_key_bytes_;
  return true;
}

// key.ipv4 (an attribute with fields), key.ipv4.src, key.in_port.
bool Sema::check_flow_key_member(Expr& expr) {
  MemberAccess& access = *expr.as<MemberAccess>();
  const ValueType& base = access.base->type;
  const probes::OdpField* field = nullptr;
  std::string path;
  if (base.kind == ValueType::Kind::FlowKey) {
    path = access.member;
    if (probes::odp_attr_has_fields(access.member)) {
      expr.type.kind = ValueType::Kind::FlowKeyAttr;
      expr.type.odp_attr = access.member;
      return true;
    }
    field = probes::find_odp_field(access.member, "");
  } else {
    path = base.odp_attr + "." + access.member;
    field = probes::find_odp_field(base.odp_attr, access.member);
  }
  if (!field) {
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownFlowField>(access.member_loc, {path}, path,
                                       probes::odp_field_paths());
    return false;
  }
  expr.binding.kind = Binding::Kind::FlowKeyField;
  expr.binding.odp_field = field;
  expr.type = field_type(*field);
  return true;
}

// ufid/address == literal (or !=): the only comparisons these have.
bool Sema::check_address_comparison(Expr& expr) {
  Binary& binary = *expr.as<Binary>();
  const Expr& lhs = *binary.lhs;
  const Expr& rhs = *binary.rhs;
  const Expr& address = lhs.type.is_address() ? lhs : rhs;
  const Expr& other = &address == &lhs ? rhs : lhs;
  if (lhs.type.kind != rhs.type.kind) {
    diagnostics_.error<DiagnosticKind::TypeMismatch>(expr.loc,
                       {describe(lhs.type), describe(rhs.type)});
    return false;
  }
  if (binary.op != BinaryOp::Eq && binary.op != BinaryOp::Ne) {
    diagnostics_.error<DiagnosticKind::AddressOrdering>(expr.loc,
                       {describe(address.type), spelling(binary.op)});
    return false;
  }
  if (!address.as<AddressLiteral>() && !other.as<AddressLiteral>()) {
    diagnostics_.error<DiagnosticKind::AddressComparison>(expr.loc,
                       {describe(address.type), example_literal(address.type.kind)});
    return false;
  }
  expr.type.kind = ValueType::Kind::Bool;
  expr.type.size = 1;
  return true;
}

}  // namespace ovsq::frontend
