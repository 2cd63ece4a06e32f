#include "frontend/sema.h"

#include <cctype>

#include "frontend/builtins.h"
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
    case ValueType::Kind::String: return "a string";
    case ValueType::Kind::Ipv4: return "an IPv4 address";
    case ValueType::Kind::Ipv6: return "an IPv6 address";
    case ValueType::Kind::Mac: return "a MAC address";
    case ValueType::Kind::FlowKey: return "a flow key";
    case ValueType::Kind::FlowKeyAttr:
      return "the flow-key attribute '" + type.odp_attr + "'";
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
    case TypeKind::Array:
      // char name[N]: text, as comm is.
      if (type->target && type->target->kind == TypeKind::Int &&
          type->target->size == 1 && type->count > 0 && type->count <= 256) {
        t.kind = ValueType::Kind::String;
        t.size = uint32_t(type->count);
        break;
      }
      t.kind = ValueType::Kind::Aggregate;
      break;
    default: t.kind = ValueType::Kind::Aggregate; break;
  }
  return t;
}

bool Sema::check(Program& program) {
  program_ = &program;
  if (program.clauses.empty()) {  // only run limits
    diagnostics_.error<DiagnosticKind::EmptyProgram>(diagnostics_.source().loc_at(0));
    return false;
  }
  bool ok = true;
  std::vector<bool> bound(program.clauses.size(), true);
  for (size_t i = 0; i < program.clauses.size(); ++i) {
    Clause& clause = program.clauses[i];
    if (clause.kind == Clause::Kind::Probe && !bind_probes(clause)) {
      bound[i] = false;
      ok = false;
    }
  }
  // Map writes first (program order), then everything else: a map read
  // anywhere sees the types its assignments gave it.
  for (size_t i = 0; i < program.clauses.size(); ++i) {
    if (!bound[i]) continue;
    for (Stmt& stmt : program.clauses[i].actions) {
      if (auto* assign = std::get_if<AssignStmt>(&stmt))
        ok = check_assign(*assign, program.clauses[i]) && ok;
      else if (auto* aggregate = std::get_if<AggregateStmt>(&stmt))
        ok = check_aggregate(*aggregate, program.clauses[i]) && ok;
    }
  }
  for (size_t i = 0; i < program.clauses.size(); ++i) {
    if (!bound[i]) continue;
    Clause& clause = program.clauses[i];
    if (clause.predicate) {
      if (check_expr(*clause.predicate, clause)) {
        if (!clause.predicate->type.is_scalar()) {
          diagnostics_.error<DiagnosticKind::PredicateNotScalar>(clause.predicate->loc,
                             {text(*clause.predicate),
                              describe(clause.predicate->type)});
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    for (Stmt& stmt : clause.actions) {
      if (std::holds_alternative<AssignStmt>(stmt) ||
          std::holds_alternative<AggregateStmt>(stmt))
        continue;
      ok = check_statement(stmt, clause) && ok;
    }
  }
  return ok && !diagnostics_.has_errors();
}

std::string Sema::text(const Expr& expr) const {
  return std::string(diagnostics_.source().text_at(expr.loc));
}

bool Sema::bind_probes(Clause& clause) {
  bool ok = true;
  for (size_t i = 0; i < clause.probes.size(); ++i) {
    ProbeRef& ref = clause.probes[i];
    ref.catalog = probes::find_catalog_probe(ref.name);
    // Versions of one probe are different CatalogProbes: compare names.
    for (size_t j = 0; j < i && ref.catalog; ++j) {
      if (clause.probes[j].catalog &&
          clause.probes[j].catalog->full_name() == ref.catalog->full_name()) {
        diagnostics_.error<DiagnosticKind::DuplicateProbe>(ref.loc, {ref.name});
        ok = false;
      }
    }
    if (!ref.catalog) {
      diagnostics_.error_with_suggestion<DiagnosticKind::UnknownProbe>(ref.loc,
                                         {ref.name}, ref.name,
                                         probes::catalog_probe_names());
      ok = false;
      continue;
    }
    ref.usdt = notes_.find(ref.catalog->provider, ref.catalog->name);
    if (!ref.usdt) {
      diagnostics_.error<DiagnosticKind::ProbeNotInBinary>(ref.loc,
                         {ref.name, ref.catalog->full_name(), notes_.path});
      ok = false;
      continue;
    }
    // The argument order the binary passes: from here on, argument indexes
    // follow that version.
    std::string mismatch;
    if (const probes::CatalogProbe* version = probes::select_version(
            *ref.catalog, *ref.usdt, notes_.path, mismatch)) {
      ref.catalog = version;
    } else {
      diagnostics_.error<DiagnosticKind::CatalogMismatch>(ref.loc, {mismatch});
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
  if (const auto* literal = expr.as<StringLiteral>()) {
    expr.type.kind = ValueType::Kind::String;
    expr.type.size = uint32_t(literal->value.size() + 1);
    return true;
  }
  if (const auto* literal = expr.as<AddressLiteral>()) {
    expr.type = address_literal_type(*literal);
    return true;
  }
  if (expr.as<Identifier>()) return check_identifier(expr, clause);
  if (expr.as<MemberAccess>()) return check_member(expr, clause);
  if (expr.as<Unary>()) return check_unary(expr, clause);
  if (expr.as<MapRead>()) return check_map_read(expr, clause);
  if (auto* call = expr.as<Call>()) {
    call->function = find_function(call->name);
    if (call->function) {
      if (call->args.size() < call->function->min_arguments ||
          call->args.size() > call->function->max_arguments) {
        diagnostics_.error<DiagnosticKind::WrongArgumentCount>(expr.loc,
                           {call->name, call->function->takes,
                            std::to_string(call->args.size())});
        return false;
      }
      switch (call->function->kind) {
        case Function::Str: return check_str(expr, clause);
        case Function::Meaning: return check_meaning(expr, clause);
      }
    }
    if (is_aggregation_function(call->name))
      diagnostics_.error<DiagnosticKind::AggregationInExpression>(expr.loc,
                         {call->name});
    else
      diagnostics_.error_with_suggestion<DiagnosticKind::UnknownFunction>(call->name_loc, {call->name},
                                         call->name, function_names());
    return false;
  }
  return check_binary(expr, clause);
}

// str(p [, n]): the NUL-terminated text at p, at most n bytes with the NUL
// (64 by default), read from the traced process.
bool Sema::check_str(Expr& expr, const Clause& clause) {
  Call& call = *expr.as<Call>();
  Expr& pointer = *call.args[0];
  if (!check_expr(pointer, clause)) return false;
  if (pointer.type.kind != ValueType::Kind::Pointer &&
      pointer.type.kind != ValueType::Kind::Integer) {
    diagnostics_.error<DiagnosticKind::StrNotPointer>(pointer.loc,
                       {text(pointer), describe(pointer.type)});
    return false;
  }
  uint64_t length = kDefaultStrLength;
  if (call.args.size() == 2) {
    const auto* literal = call.args[1]->as<IntLiteral>();
    if (!literal || literal->is_duration || literal->value < 2 ||
        literal->value > kMaxStrLength) {
      diagnostics_.error<DiagnosticKind::StrBadLength>(call.args[1]->loc,
                         {std::to_string(kMaxStrLength)});
      return false;
    }
    length = literal->value;
  }
  expr.type.kind = ValueType::Kind::String;
  expr.type.size = uint32_t(length);
  return true;
}

// meaning(e): the enum value e, printed as what its enumerator means
// ("flow idle timeout" for FDR_FLOW_IDLE), from the catalog.
bool Sema::check_meaning(Expr& expr, const Clause& clause) {
  Call& call = *expr.as<Call>();
  Expr& value = *call.args[0];
  if (!check_expr(value, clause)) return false;
  if (value.type.kind != ValueType::Kind::Enum) {
    diagnostics_.error<DiagnosticKind::MeaningNotEnum>(value.loc,
                       {text(value), describe(value.type)});
    return false;
  }
  expr.type = value.type;
  expr.type.meaning = true;
  return true;
}

bool Sema::check_identifier(Expr& expr, const Clause& clause) {
  const std::string& name = expr.as<Identifier>()->name;

  // A field of the probe(s): every probe of the clause must have it.
  const ProbeRef* first_probe =
      clause.probes.empty() ? nullptr : &clause.probes.front();
  if (first_probe && first_probe->catalog->is_flow_key(name))
    return check_flow_key(expr, clause);
  bool is_arg = first_probe && first_probe->catalog->arg_index(name) >= 0;
  bool is_derived =
      first_probe && first_probe->catalog->find_derived(name) != nullptr;
  if (is_arg || is_derived) {
    const ProbeRef& first = *first_probe;
    expr.binding.kind =
        is_arg ? Binding::Kind::ProbeArg : Binding::Kind::DerivedField;
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
          diagnostics_.error<DiagnosticKind::OpaqueStruct>(expr.loc,
                             {name, c_name(target)});
          return false;
        }
        source.member_offset = member->offset;
        source.member_is_pointer = member->type->kind == TypeKind::Pointer;
      }
      if (source.arg_index < 0) {
        diagnostics_.error<DiagnosticKind::FieldNotShared>(expr.loc,
                           {name, probe.name});
        return false;
      }
      if (is_arg &&
          catalog.args[source.arg_index].c_type !=
              first.catalog->args[first.catalog->arg_index(name)].c_type) {
        diagnostics_.error<DiagnosticKind::FieldNotShared>(expr.loc,
                           {name, probe.name});
        return false;
      }
      expr.binding.per_probe.push_back(source);
    }
    if (is_arg) {
      expr.type = value_type(
          arg_type(first.catalog->args[first.catalog->arg_index(name)]));
    } else {  // not a flow key, so a ufid (catalog_test checks)
      expr.type.kind = ValueType::Kind::Ufid;
      expr.type.size = 16;
    }
    return true;
  }

  if (const BuiltinInfo* builtin = find_builtin(name))
    return check_builtin(expr, *builtin);

  if (TypeRef enum_type = debug_info_.find_enumerator(name)) {
    expr.binding.kind = Binding::Kind::EnumConstant;
    for (const probes::Enumerator& e : enum_type->enumerators)
      if (e.name == name) expr.binding.constant = e.value;
    expr.type = value_type(enum_type);
    return true;
  }

  if (is_aggregation_function(name)) {
    diagnostics_.error<DiagnosticKind::AggregationInExpression>(expr.loc,
                       {name});
    return false;
  }
  std::vector<std::string> candidates = builtin_names();
  if (looks_like_constant(name)) {
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownEnumConstant>(expr.loc, {name}, name,
                                       debug_info_.enumerator_names());
  } else if (first_probe) {
    std::vector<std::string> fields = first_probe->catalog->field_names();
    candidates.insert(candidates.end(), fields.begin(), fields.end());
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownField>(expr.loc,
                                       {first_probe->name, name}, name,
                                       candidates);
  } else {
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownName>(expr.loc,
                                       {name}, name, candidates);
  }
  return false;
}

probes::TypeRef Sema::probe_enum() {
  if (probe_enum_) return probe_enum_;
  probes::Type& type = made_up_types_.emplace_back();
  type.kind = TypeKind::Enum;
  type.name = "probe";
  type.size = 4;
  std::vector<std::string> names = probes::catalog_probe_names();
  names.push_back("begin");
  names.push_back("end");
  for (size_t i = 0; i < names.size(); ++i)
    type.enumerators.push_back({names[i], int64_t(i)});
  return probe_enum_ = &type;
}

bool Sema::check_builtin(Expr& expr, const BuiltinInfo& builtin) {
  expr.binding.kind = Binding::Kind::Builtin;
  expr.binding.builtin = builtin.kind;
  switch (builtin.type) {
    case BuiltinType::U64: expr.type = integer(8, false); break;
    case BuiltinType::U32: expr.type = integer(4, false); break;
    case BuiltinType::Comm:
      expr.type.kind = ValueType::Kind::String;
      expr.type.size = 16;  // TASK_COMM_LEN
      break;
    case BuiltinType::ProbeEnum: expr.type = value_type(probe_enum()); break;
  }
  return true;
}

bool Sema::check_map_read(Expr& expr, const Clause& clause) {
  MapRead& read = *expr.as<MapRead>();
  bool ok = check_keys(read.keys, clause);
  int id = find_map(read.name, expr.loc);
  if (id < 0 || !ok) return false;
  const MapInfo& map = program_->maps[id];
  if (map.is_aggregation) {
    diagnostics_.error<DiagnosticKind::AggregationRead>(expr.loc,
                       {read.name});
    return false;
  }
  if (!match_keys(id, read.keys, expr.loc)) return false;
  expr.binding.kind = Binding::Kind::Map;
  expr.binding.map_id = id;
  expr.type = map.value_type;
  return true;
}

bool Sema::check_member(Expr& expr, const Clause& clause) {
  MemberAccess& access = *expr.as<MemberAccess>();
  Expr& base = *access.base;
  if (!check_expr(base, clause)) return false;
  const std::string base_text =
      diagnostics_.source().text.substr(base.loc.offset, base.loc.length);
  if (!access.arrow && (base.type.kind == ValueType::Kind::FlowKey ||
                        base.type.kind == ValueType::Kind::FlowKeyAttr))
    return check_flow_key_member(expr);

  TypeRef aggregate = nullptr;
  if (access.arrow) {
    if (base.type.kind != ValueType::Kind::Pointer ||
        !base.type.c_type->target ||
        !base.type.c_type->target->is_aggregate()) {
      diagnostics_.error<DiagnosticKind::ArrowOnNonPointer>(access.member_loc,
                         {base_text, describe(base.type)});
      return false;
    }
    aggregate = base.type.c_type->target;
  } else {
    if (base.type.kind != ValueType::Kind::Aggregate ||
        !base.type.c_type->is_aggregate()) {
      diagnostics_.error<DiagnosticKind::DotOnNonAggregate>(access.member_loc,
                         {base_text, describe(base.type)});
      return false;
    }
    aggregate = base.type.c_type;
  }
  if (!aggregate->complete) {
    diagnostics_.error<DiagnosticKind::OpaqueStruct>(access.member_loc,
                       {base_text, describe(base.type)});
    return false;
  }
  std::optional<probes::Member> member = aggregate->find_member(access.member);
  if (!member && aggregate->partial) {
    // ovsq's built-in layout (no debug info) stops before this member.
    diagnostics_.error<DiagnosticKind::OpaqueStruct>(access.member_loc,
                       {base_text + (access.arrow ? "->" : ".") + access.member,
                        "a member of " + aggregate->name});
    return false;
  }
  if (!member) {
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownMember>(access.member_loc,
        {aggregate->name, access.member}, access.member,
        aggregate->member_names());
    return false;
  }
  if (member->bit_size != 0) {
    diagnostics_.error<DiagnosticKind::BitFieldMember>(access.member_loc,
                       {access.member});
    return false;
  }
  expr.binding.kind = Binding::Kind::Member;
  expr.binding.offset = member->offset;
  expr.type = value_type(member->type);
  return true;
}

bool Sema::require_value(const Expr& expr) {
  if (expr.type.is_scalar() || expr.type.is_address() ||
      expr.type.kind == ValueType::Kind::String ||
      expr.type.kind == ValueType::Kind::FlowKey)
    return true;
  if (expr.type.kind == ValueType::Kind::FlowKeyAttr) {
    std::vector<std::string> paths = probes::odp_field_paths();
    std::string example = "src";
    for (const std::string& path : paths)
      if (path.rfind(expr.type.odp_attr + ".", 0) == 0) {
        example = path.substr(expr.type.odp_attr.size() + 1);
        break;
      }
    diagnostics_.error<DiagnosticKind::FlowKeyNeedsField>(expr.loc,
                       {diagnostics_.source().text.substr(expr.loc.offset,
                                                          expr.loc.length),
                        example});
    return false;
  }
  diagnostics_.error<DiagnosticKind::NotAValue>(expr.loc,
                     {diagnostics_.source().text.substr(expr.loc.offset,
                                                        expr.loc.length),
                      describe(expr.type)});
  return false;
}

bool Sema::check_unary(Expr& expr, const Clause& clause) {
  Unary& unary = *expr.as<Unary>();
  if (!check_expr(*unary.operand, clause)) return false;
  if (!unary.operand->type.is_scalar()) {
    diagnostics_.error<DiagnosticKind::OperandNotInteger>(unary.operand->loc,
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
    if (lhs.is_address() || rhs.is_address()) return check_address_comparison(expr);
    bool lhs_string = lhs.kind == ValueType::Kind::String;
    bool rhs_string = rhs.kind == ValueType::Kind::String;
    if (lhs_string && rhs_string) {
      if (binary.op != BinaryOp::Eq && binary.op != BinaryOp::Ne) {
        diagnostics_.error<DiagnosticKind::StringOrdering>(expr.loc,
                           {spelling(binary.op)});
        return false;
      }
      if (binary.lhs->as<StringLiteral>() == nullptr &&
          binary.rhs->as<StringLiteral>() == nullptr) {
        diagnostics_.error<DiagnosticKind::StringComparison>(expr.loc);
        return false;
      }
      expr.type = boolean();
      return true;
    }
    if (!lhs.is_scalar() || !rhs.is_scalar()) {
      if (lhs.kind == ValueType::Kind::Aggregate ||
          rhs.kind == ValueType::Kind::Aggregate) {
        const Expr& bad = lhs.kind == ValueType::Kind::Aggregate ? *binary.lhs
                                                                 : *binary.rhs;
        return require_value(bad);
      }
      diagnostics_.error<DiagnosticKind::TypeMismatch>(expr.loc,
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
        diagnostics_.error<DiagnosticKind::EnumMismatch>(constant.loc,
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
      diagnostics_.error<DiagnosticKind::OperandNotInteger>(operand->loc,
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
    diagnostics_.error<DiagnosticKind::DivisionByZero>(binary.rhs->loc);
    return false;
  }
  bool is_signed = (lhs.is_signed || lhs.size < 8) && (rhs.is_signed || rhs.size < 8) &&
                   lhs.kind != ValueType::Kind::Pointer &&
                   rhs.kind != ValueType::Kind::Pointer;
  expr.type = integer(8, is_signed);
  return true;
}

}  // namespace ovsq::frontend
