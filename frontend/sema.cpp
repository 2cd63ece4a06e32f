#include "frontend/sema.h"

#include <cctype>

#include "probes/catalog.h"

namespace ovsq::frontend {
namespace {

using probes::TypeKind;
using probes::TypeRef;

bool looks_like_constant(const std::string& name) {
  bool has_upper = false;
  for (char c : name) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isupper(static_cast<unsigned char>(c))) has_upper = true;
  }
  return has_upper;
}

bool is_comparison(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt ||
         op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge;
}

bool is_logical(BinaryOp op) {
  return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr;
}

ValueType integer(uint32_t size, bool is_signed) {
  ValueType t;
  t.kind = ValueType::Kind::Integer;
  t.size = size;
  t.is_signed = is_signed;
  return t;
}

ValueType boolean() {
  ValueType t;
  t.kind = ValueType::Kind::Bool;
  t.size = 1;
  return t;
}

std::string c_name(TypeRef type) {
  return type && !type->name.empty() ? type->name : std::string("void");
}

}  // namespace

std::string describe(const ValueType& type) {
  switch (type.kind) {
    case ValueType::Kind::Unknown: return "untyped";
    case ValueType::Kind::Integer:
      if (type.c_type) return "an integer (" + type.c_type->name + ")";
      return std::string("an integer (") + (type.is_signed ? "s" : "u") +
             std::to_string(type.size * 8) + ")";
    case ValueType::Kind::Bool: return "a boolean";
    case ValueType::Kind::Enum: return c_name(type.c_type);
    case ValueType::Kind::Pointer:
      return "a pointer to " + c_name(type.c_type ? type.c_type->target : nullptr);
    case ValueType::Kind::Ufid: return "a ufid";
    case ValueType::Kind::Aggregate: return c_name(type.c_type);
  }
  return "untyped";
}

TypeRef Sema::arg_type(const probes::CatalogArg& arg) {
  if (TypeRef type = debug_info_.find_type(arg.c_type)) return type;
  // Not described by the debug info: a pointer to a struct the probe's
  // compilation unit only declared, or a type the build spells otherwise.
  probes::Type& made_up = made_up_types_.emplace_back();
  made_up.name = arg.c_type;
  made_up.size = arg.size;
  if (!arg.c_type.empty() && arg.c_type.back() == '*') {
    probes::Type& target = made_up_types_.emplace_back();
    target.kind = TypeKind::Struct;
    target.complete = false;
    target.name = arg.c_type.substr(0, arg.c_type.find_last_not_of(" *") + 1);
    made_up.kind = TypeKind::Pointer;
    made_up.target = &target;
  } else {
    made_up.kind = TypeKind::Int;
  }
  return &made_up;
}

ValueType Sema::value_type(TypeRef type) {
  ValueType t;
  t.c_type = type;
  t.size = uint32_t(type->size);
  switch (type->kind) {
    case TypeKind::Int:
      t.kind = ValueType::Kind::Integer;
      t.is_signed = type->is_signed;
      break;
    case TypeKind::Bool: t.kind = ValueType::Kind::Bool; break;
    case TypeKind::Enum:
      t.kind = ValueType::Kind::Enum;
      t.is_signed = type->is_signed;
      break;
    case TypeKind::Pointer:
      t.kind = ValueType::Kind::Pointer;
      t.size = 8;
      break;
    default: t.kind = ValueType::Kind::Aggregate; break;
  }
  return t;
}

bool Sema::check(Program& program) {
  bool ok = true;
  for (Clause& clause : program.clauses) {
    if (!bind_probes(clause)) {
      ok = false;
      continue;
    }
    if (clause.predicate) {
      if (check_expr(*clause.predicate, clause)) {
        if (!clause.predicate->type.is_scalar()) {
          diagnostics_.error(DiagnosticKind::PredicateNotScalar,
                             clause.predicate->loc,
                             {diagnostics_.source().text.substr(
                                  clause.predicate->loc.offset,
                                  clause.predicate->loc.length),
                              describe(clause.predicate->type)});
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    for (Stmt& stmt : clause.actions) {
      auto& print = std::get<PrintStmt>(stmt);
      for (PrintItem& item : print.items)
        ok = check_expr(*item.expr, clause) && require_value(*item.expr) && ok;
    }
  }
  return ok && !diagnostics_.has_errors();
}

bool Sema::bind_probes(Clause& clause) {
  bool ok = true;
  for (size_t i = 0; i < clause.probes.size(); ++i) {
    ProbeRef& ref = clause.probes[i];
    for (size_t j = 0; j < i; ++j) {
      if (clause.probes[j].catalog &&
          clause.probes[j].catalog == probes::find_catalog_probe(ref.name)) {
        diagnostics_.error(DiagnosticKind::DuplicateProbe, ref.loc, {ref.name});
        ok = false;
      }
    }
    ref.catalog = probes::find_catalog_probe(ref.name);
    if (!ref.catalog) {
      diagnostics_.error_with_suggestion(DiagnosticKind::UnknownProbe, ref.loc,
                                         {ref.name}, ref.name,
                                         probes::catalog_probe_names());
      ok = false;
      continue;
    }
    ref.usdt = notes_.find(ref.catalog->provider, ref.catalog->name);
    if (!ref.usdt) {
      diagnostics_.error(DiagnosticKind::ProbeNotInBinary, ref.loc,
                         {ref.name, ref.catalog->full_name(), notes_.path});
      ok = false;
      continue;
    }
    std::string mismatch =
        probes::check_against_note(*ref.catalog, *ref.usdt, notes_.path);
    if (!mismatch.empty()) {
      diagnostics_.error(DiagnosticKind::CatalogMismatch, ref.loc, {mismatch});
      ok = false;
    }
  }
  return ok;
}

bool Sema::check_expr(Expr& expr, const Clause& clause) {
  if (expr.as<IntLiteral>()) {
    expr.type = integer(8, expr.as<IntLiteral>()->value <= INT64_MAX);
    return true;
  }
  if (expr.as<Identifier>()) return check_identifier(expr, clause);
  if (expr.as<MemberAccess>()) return check_member(expr, clause);
  if (expr.as<Unary>()) return check_unary(expr, clause);
  return check_binary(expr, clause);
}

bool Sema::check_identifier(Expr& expr, const Clause& clause) {
  const std::string& name = expr.as<Identifier>()->name;

  // A field of the probe(s): every probe of the clause must have it.
  const ProbeRef& first = clause.probes.front();
  bool is_arg = first.catalog->arg_index(name) >= 0;
  bool is_derived = first.catalog->find_derived(name) != nullptr;
  if (is_arg || is_derived) {
    expr.binding.kind =
        is_arg ? Binding::Kind::ProbeArg : Binding::Kind::DerivedUfid;
    for (const ProbeRef& probe : clause.probes) {
      const probes::CatalogProbe& catalog = *probe.catalog;
      FieldSource source;
      if (is_arg) {
        source.arg_index = catalog.arg_index(name);
      } else if (const probes::DerivedField* d = catalog.find_derived(name)) {
        source.derived = true;
        source.arg_index = catalog.arg_index(d->arg);
        TypeRef pointer = arg_type(catalog.args[source.arg_index]);
        TypeRef target = pointer->kind == TypeKind::Pointer ? pointer->target
                                                            : nullptr;
        std::optional<probes::Member> member =
            target ? target->find_member(d->member) : std::nullopt;
        if (!member) {
          diagnostics_.error(DiagnosticKind::OpaqueStruct, expr.loc,
                             {name, c_name(target)});
          return false;
        }
        source.member_offset = member->offset;
        source.member_is_pointer = member->type->kind == TypeKind::Pointer;
      }
      if (source.arg_index < 0) {
        diagnostics_.error(DiagnosticKind::FieldNotShared, expr.loc,
                           {name, probe.name});
        return false;
      }
      if (is_arg &&
          catalog.args[source.arg_index].c_type !=
              first.catalog->args[first.catalog->arg_index(name)].c_type) {
        diagnostics_.error(DiagnosticKind::FieldNotShared, expr.loc,
                           {name, probe.name});
        return false;
      }
      expr.binding.per_probe.push_back(source);
    }
    if (is_arg) {
      expr.type = value_type(
          arg_type(first.catalog->args[first.catalog->arg_index(name)]));
    } else {
      expr.type.kind = ValueType::Kind::Ufid;
      expr.type.size = 16;
    }
    return true;
  }

  if (TypeRef enum_type = debug_info_.find_enumerator(name)) {
    expr.binding.kind = Binding::Kind::EnumConstant;
    for (const probes::Enumerator& e : enum_type->enumerators)
      if (e.name == name) expr.binding.constant = e.value;
    expr.type = value_type(enum_type);
    return true;
  }

  if (looks_like_constant(name)) {
    diagnostics_.error_with_suggestion(DiagnosticKind::UnknownEnumConstant,
                                       expr.loc, {name}, name,
                                       debug_info_.enumerator_names());
  } else {
    diagnostics_.error_with_suggestion(DiagnosticKind::UnknownField, expr.loc,
                                       {first.name, name}, name,
                                       first.catalog->field_names());
  }
  return false;
}

bool Sema::check_member(Expr& expr, const Clause& clause) {
  MemberAccess& access = *expr.as<MemberAccess>();
  Expr& base = *access.base;
  if (!check_expr(base, clause)) return false;
  const std::string base_text =
      diagnostics_.source().text.substr(base.loc.offset, base.loc.length);

  TypeRef aggregate = nullptr;
  if (access.arrow) {
    if (base.type.kind != ValueType::Kind::Pointer ||
        !base.type.c_type->target ||
        !base.type.c_type->target->is_aggregate()) {
      diagnostics_.error(DiagnosticKind::ArrowOnNonPointer, access.member_loc,
                         {base_text, describe(base.type)});
      return false;
    }
    aggregate = base.type.c_type->target;
  } else {
    if (base.type.kind != ValueType::Kind::Aggregate ||
        !base.type.c_type->is_aggregate()) {
      diagnostics_.error(DiagnosticKind::DotOnNonAggregate, access.member_loc,
                         {base_text, describe(base.type)});
      return false;
    }
    aggregate = base.type.c_type;
  }
  if (!aggregate->complete) {
    diagnostics_.error(DiagnosticKind::OpaqueStruct, access.member_loc,
                       {base_text, describe(base.type)});
    return false;
  }
  std::optional<probes::Member> member = aggregate->find_member(access.member);
  if (!member) {
    diagnostics_.error_with_suggestion(
        DiagnosticKind::UnknownMember, access.member_loc,
        {aggregate->name, access.member}, access.member,
        aggregate->member_names());
    return false;
  }
  if (member->bit_size != 0) {
    diagnostics_.error(DiagnosticKind::BitFieldMember, access.member_loc,
                       {access.member});
    return false;
  }
  expr.binding.kind = Binding::Kind::Member;
  expr.binding.offset = member->offset;
  expr.type = value_type(member->type);
  return true;
}

bool Sema::require_value(const Expr& expr) {
  if (expr.type.is_scalar() || expr.type.kind == ValueType::Kind::Ufid)
    return true;
  diagnostics_.error(DiagnosticKind::NotAValue, expr.loc,
                     {diagnostics_.source().text.substr(expr.loc.offset,
                                                        expr.loc.length),
                      describe(expr.type)});
  return false;
}

bool Sema::check_unary(Expr& expr, const Clause& clause) {
  Unary& unary = *expr.as<Unary>();
  if (!check_expr(*unary.operand, clause)) return false;
  if (!unary.operand->type.is_scalar()) {
    diagnostics_.error(DiagnosticKind::OperandNotInteger, unary.operand->loc,
                       {spelling(unary.op),
                        diagnostics_.source().text.substr(
                            unary.operand->loc.offset, unary.operand->loc.length),
                        describe(unary.operand->type)});
    return false;
  }
  expr.type = unary.op == UnaryOp::Not ? boolean() : integer(8, true);
  return true;
}

bool Sema::check_binary(Expr& expr, const Clause& clause) {
  Binary& binary = *expr.as<Binary>();
  bool ok = check_expr(*binary.lhs, clause);
  ok = check_expr(*binary.rhs, clause) && ok;
  if (!ok) return false;
  const ValueType& lhs = binary.lhs->type;
  const ValueType& rhs = binary.rhs->type;
  auto text = [&](const Expr& e) {
    return diagnostics_.source().text.substr(e.loc.offset, e.loc.length);
  };

  if (is_comparison(binary.op)) {
    if (!lhs.is_scalar() || !rhs.is_scalar()) {
      if (lhs.kind == ValueType::Kind::Aggregate ||
          rhs.kind == ValueType::Kind::Aggregate) {
        const Expr& bad = lhs.kind == ValueType::Kind::Aggregate ? *binary.lhs
                                                                 : *binary.rhs;
        return require_value(bad);
      }
      diagnostics_.error(DiagnosticKind::TypeMismatch, expr.loc,
                         {describe(lhs), describe(rhs)});
      return false;
    }
    // An enum constant must belong to the enum on the other side.
    for (int side = 0; side < 2; ++side) {
      const Expr& constant = side == 0 ? *binary.lhs : *binary.rhs;
      const ValueType& other = side == 0 ? rhs : lhs;
      if (constant.binding.kind == Binding::Kind::EnumConstant &&
          other.kind == ValueType::Kind::Enum &&
          constant.type.c_type != other.c_type &&
          constant.type.c_type->name != other.c_type->name) {
        diagnostics_.error(DiagnosticKind::EnumMismatch, constant.loc,
                           {text(constant), describe(constant.type),
                            describe(other)});
        return false;
      }
    }
    expr.type = boolean();
    return true;
  }

  for (const Expr* operand : {binary.lhs.get(), binary.rhs.get()}) {
    if (!operand->type.is_scalar()) {
      diagnostics_.error(DiagnosticKind::OperandNotInteger, operand->loc,
                         {spelling(binary.op), text(*operand),
                          describe(operand->type)});
      return false;
    }
  }
  if (is_logical(binary.op)) {
    expr.type = boolean();
    return true;
  }
  if ((binary.op == BinaryOp::Div || binary.op == BinaryOp::Mod) &&
      binary.rhs->as<IntLiteral>() && binary.rhs->as<IntLiteral>()->value == 0) {
    diagnostics_.error(DiagnosticKind::DivisionByZero, binary.rhs->loc);
    return false;
  }
  bool is_signed = (lhs.is_signed || lhs.size < 8) && (rhs.is_signed || rhs.size < 8) &&
                   lhs.kind != ValueType::Kind::Pointer &&
                   rhs.kind != ValueType::Kind::Pointer;
  expr.type = integer(8, is_signed);
  return true;
}

}  // namespace ovsq::frontend
