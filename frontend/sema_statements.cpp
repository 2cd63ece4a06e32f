// Sema for statements: print, printf (format checked against its
// arguments), aggregations and maps (one MapInfo per map, whose first use
// fixes its key and value types and whose later uses must agree).
#include <string>

#include "frontend/builtins.h"
#include "frontend/printf_format.h"
#include "frontend/sema.h"

namespace ovsq::frontend {
namespace {

std::string where(const SourceLoc& loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Two types a map's key or value may have in different uses: integers of
// any width are one class (keys and values are widened to 64 bits); enums
// must be the same enum.
bool same_class(const ValueType& a, const ValueType& b) {
  auto integral = [](const ValueType& t) {
    return t.kind == ValueType::Kind::Integer || t.kind == ValueType::Kind::Bool;
  };
  if (integral(a) && integral(b)) return true;
  if (a.kind != b.kind) return false;
  if (a.kind == ValueType::Kind::Enum)
    return a.c_type == b.c_type || a.c_type->name == b.c_type->name;
  return true;
}

bool is_key_type(const ValueType& t) {
  return t.is_scalar() || t.is_address() || t.kind == ValueType::Kind::String;
}

// An lhist bound: an integer literal, possibly negated.
bool constant_value(const Expr& expr, int64_t& value) {
  if (const auto* literal = expr.as<IntLiteral>()) {
    if (literal->value > uint64_t(INT64_MAX)) return false;
    value = int64_t(literal->value);
    return true;
  }
  const auto* unary = expr.as<Unary>();
  if (unary && unary->op == UnaryOp::Negate &&
      constant_value(*unary->operand, value)) {
    value = -value;
    return true;
  }
  return false;
}

constexpr int64_t kMaxLhistBuckets = 1000;

}  // namespace

bool Sema::check_statement(Stmt& stmt, const Clause& clause) {
  if (auto* print = std::get_if<PrintStmt>(&stmt)) return check_print(*print, clause);
  if (auto* printf = std::get_if<PrintfStmt>(&stmt)) return check_printf(*printf, clause);
  if (auto* del = std::get_if<DeleteStmt>(&stmt)) return check_delete(*del, clause);
  return true;  // exit; assignments and aggregations went first
}

bool Sema::check_print(PrintStmt& print, const Clause& clause) {
  bool ok = true;
  for (PrintItem& item : print.items)
    ok = check_expr(*item.expr, clause) && require_value(*item.expr) && ok;
  return ok;
}

bool Sema::check_keys(std::vector<ExprPtr>& keys, const Clause& clause) {
  bool ok = true;
  for (ExprPtr& key : keys) {
    if (!check_expr(*key, clause)) {
      ok = false;
    } else if (key->type.kind == ValueType::Kind::FlowKey) {
      // Hundreds of bytes a key: too big for BPF's 512-byte stack, and
      // no two flows share one anyway.
      diagnostics_.error<DiagnosticKind::FlowKeyAsMapKey>(key->loc, {text(*key)});
      ok = false;
    } else if (!is_key_type(key->type)) {
      ok = require_value(*key) && ok;
    }
  }
  return ok;
}

int Sema::find_map(const std::string& name, SourceLoc loc) {
  auto it = map_ids_.find(name);
  if (it != map_ids_.end()) return it->second;
  std::vector<std::string> names;
  for (const MapInfo& map : program_->maps)
    if (!map.anonymous) names.push_back(map.name);
  diagnostics_.error_with_suggestion<DiagnosticKind::UnknownMap>(loc, {name},
                                     name, names);
  return -1;
}

bool Sema::match_keys(int id, const std::vector<ExprPtr>& keys, SourceLoc loc) {
  const MapInfo& map = program_->maps[id];
  if (keys.size() != map.key_types.size()) {
    auto count = [](size_t n) {
      return n == 0 ? std::string("no key") : plural(n, "key", "keys");
    };
    diagnostics_.error<DiagnosticKind::MapKeyCountMismatch>(loc,
                       {map.name, count(keys.size()),
                        count(map.key_types.size()), where(map.first_loc)});
    return false;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (same_class(keys[i]->type, map.key_types[i])) continue;
    diagnostics_.error<DiagnosticKind::MapKeyTypeMismatch>(keys[i]->loc,
                       {text(*keys[i]), describe(keys[i]->type), map.name,
                        describe(map.key_types[i]), where(map.first_loc)});
    return false;
  }
  return true;
}

bool Sema::check_aggregate(AggregateStmt& stmt, const Clause& clause) {
  Call& call = *stmt.call->as<Call>();
  const AggregationInfo* info = find_aggregation(call.name);
  if (!info) {
    diagnostics_.error_with_suggestion<DiagnosticKind::UnknownFunction>(call.name_loc, {call.name}, call.name,
                                       aggregation_functions());
    return false;
  }
  stmt.kind = info->kind;
  bool ok = check_keys(stmt.keys, clause);
  if (call.args.size() != info->arguments) {
    diagnostics_.error<DiagnosticKind::WrongArgumentCount>(stmt.call->loc,
                       {call.name, info->takes, std::to_string(call.args.size())});
    return false;
  }
  if (info->arguments >= 1) {
    Expr& value = *call.args[0];
    if (!check_expr(value, clause)) return false;
    if (value.type.kind != ValueType::Kind::Integer &&
        value.type.kind != ValueType::Kind::Bool &&
        value.type.kind != ValueType::Kind::Enum) {
      diagnostics_.error<DiagnosticKind::AggregationValueNotInteger>(value.loc,
                         {call.name, text(value), describe(value.type)});
      return false;
    }
  }
  // lhist's constant bounds.
  int64_t bounds[3] = {0, 0, 1};
  if (info->kind == AggregationKind::Lhist) {
    static const char* const kBound[] = {"min", "max", "step"};
    for (int i = 0; i < 3; ++i) {
      if (!constant_value(*call.args[i + 1], bounds[i])) {
        diagnostics_.error<DiagnosticKind::LhistNotConstant>(call.args[i + 1]->loc,
                           {kBound[i]});
        return false;
      }
    }
    if (bounds[0] >= bounds[1] || bounds[2] <= 0 ||
        lhist_buckets(bounds[0], bounds[1], bounds[2]) > uint64_t(kMaxLhistBuckets)) {
      diagnostics_.error<DiagnosticKind::LhistBadRange>(stmt.call->loc,
                         {std::to_string(bounds[0]), std::to_string(bounds[1]),
                          std::to_string(bounds[2]),
                          std::to_string(kMaxLhistBuckets)});
      return false;
    }
  }
  if (!ok) return false;

  bool anonymous = stmt.map_name.empty();
  std::string name = anonymous ? stmt.text : stmt.map_name;
  auto it = map_ids_.find(name);
  if (it == map_ids_.end()) {
    MapInfo map;
    map.name = name;
    map.anonymous = anonymous;
    map.first_loc = anonymous ? stmt.loc : stmt.map_loc;
    map.is_aggregation = true;
    map.aggregation = info->kind;
    map.lhist_min = bounds[0];
    map.lhist_max = bounds[1];
    map.lhist_step = bounds[2];
    for (const ExprPtr& key : stmt.keys) {
      map.key_types.push_back(key->type);
      map.key_headers.push_back(text(*key));
    }
    stmt.map_id = int(program_->maps.size());
    map_ids_[name] = stmt.map_id;
    program_->maps.push_back(std::move(map));
    return true;
  }
  const MapInfo& map = program_->maps[it->second];
  SourceLoc loc = anonymous ? stmt.loc : stmt.map_loc;
  if (!map.is_aggregation) {
    diagnostics_.error<DiagnosticKind::MapKindMismatch>(loc,
                       {name, "a map of values", where(map.first_loc),
                        "it cannot also hold an aggregation"});
    return false;
  }
  if (map.aggregation != info->kind || map.lhist_min != bounds[0] ||
      map.lhist_max != bounds[1] || map.lhist_step != bounds[2]) {
    diagnostics_.error<DiagnosticKind::MapKindMismatch>(loc,
                       {name,
                        std::string("a ") + aggregation_name(map.aggregation) +
                            "() aggregation",
                        where(map.first_loc),
                        std::string("it cannot also hold ") + call.name + "()"});
    return false;
  }
  if (!match_keys(it->second, stmt.keys, loc)) return false;
  stmt.map_id = it->second;
  return true;
}

bool Sema::check_assign(AssignStmt& stmt, const Clause& clause) {
  bool ok = check_keys(stmt.keys, clause);
  ok = check_expr(*stmt.value, clause) && ok;
  if (!ok) return false;
  const ValueType& value = stmt.value->type;
  if (!value.is_scalar()) {
    diagnostics_.error<DiagnosticKind::MapValueNotScalar>(stmt.value->loc,
                       {text(*stmt.value), describe(value)});
    return false;
  }
  auto it = map_ids_.find(stmt.map_name);
  if (it == map_ids_.end()) {
    MapInfo map;
    map.name = stmt.map_name;
    map.first_loc = stmt.map_loc;
    map.value_type = value;
    if (value.kind == ValueType::Kind::Integer) map.value_type.size = 8;
    for (const ExprPtr& key : stmt.keys) {
      map.key_types.push_back(key->type);
      map.key_headers.push_back(text(*key));
    }
    stmt.map_id = int(program_->maps.size());
    map_ids_[stmt.map_name] = stmt.map_id;
    program_->maps.push_back(std::move(map));
    return true;
  }
  const MapInfo& map = program_->maps[it->second];
  if (map.is_aggregation) {
    diagnostics_.error<DiagnosticKind::MapKindMismatch>(stmt.map_loc,
                       {stmt.map_name,
                        std::string("a ") + aggregation_name(map.aggregation) +
                            "() aggregation",
                        where(map.first_loc), "it cannot be assigned a value"});
    return false;
  }
  if (!match_keys(it->second, stmt.keys, stmt.map_loc)) return false;
  if (!same_class(value, map.value_type)) {
    diagnostics_.error<DiagnosticKind::MapValueTypeMismatch>(stmt.value->loc,
                       {stmt.map_name, describe(value), describe(map.value_type),
                        where(map.first_loc)});
    return false;
  }
  stmt.map_id = it->second;
  return true;
}

bool Sema::check_delete(DeleteStmt& stmt, const Clause& clause) {
  if (!check_keys(stmt.keys, clause)) return false;
  int id = find_map(stmt.map_name, stmt.map_loc);
  if (id < 0 || !match_keys(id, stmt.keys, stmt.map_loc)) return false;
  stmt.map_id = id;
  return true;
}

bool Sema::check_printf(PrintfStmt& stmt, const Clause& clause) {
  bool ok = true;
  for (ExprPtr& arg : stmt.args) ok = check_expr(*arg, clause) && ok;

  // Offsets in the decoded format -> locations in the literal's source
  // text (each escape is two source bytes for one decoded byte).
  std::string_view raw = diagnostics_.source().text_at(stmt.format_loc);
  auto source_loc = [&](uint32_t offset, uint32_t length) {
    uint32_t raw_at = 1, decoded = 0;
    auto advance_to = [&](uint32_t target) {
      while (decoded < target && raw_at + 1 < raw.size()) {
        raw_at += raw[raw_at] == '\\' ? 2 : 1;
        ++decoded;
      }
    };
    advance_to(offset);
    uint32_t begin = raw_at;
    advance_to(offset + length);
    return diagnostics_.source().loc_at(stmt.format_loc.offset + begin,
                                        std::max<uint32_t>(raw_at - begin, 1));
  };

  std::vector<FormatConversion> conversions;
  FormatError error;
  if (!parse_format(stmt.format, conversions, error)) {
    diagnostics_.error<DiagnosticKind::PrintfBadConversion>(source_loc(error.offset, error.length), {error.conversion});
    return false;
  }
  size_t n_conversions = 0;
  for (const FormatConversion& c : conversions) n_conversions += c.has_conversion;
  if (n_conversions != stmt.args.size()) {
    SourceLoc loc = n_conversions < stmt.args.size()
                        ? stmt.args[n_conversions]->loc
                        : stmt.format_loc;
    diagnostics_.error<DiagnosticKind::PrintfArgCount>(loc,
                       {plural(n_conversions, "conversion", "conversions"),
                        plural(stmt.args.size(), "argument", "arguments")});
    return false;
  }
  if (!ok) return false;

  size_t arg = 0;
  for (const FormatConversion& c : conversions) {
    FormatPiece piece;
    piece.literal = c.literal;
    if (c.has_conversion) {
      Expr& value = *stmt.args[arg];
      piece.arg = int(arg++);
      piece.conversion = c.spec;
      piece.loc = source_loc(c.offset, c.length);
      const ValueType& t = value.type;
      const char* needs = nullptr;
      if (c.spec.letter == 's') {
        if (!require_value(value)) return false;
      } else if (c.spec.letter == 'p') {
        if (t.kind != ValueType::Kind::Pointer && t.kind != ValueType::Kind::Integer)
          needs = "a pointer";
      } else if (!t.is_scalar()) {
        needs = "an integer";
      }
      if (needs) {
        diagnostics_.error<DiagnosticKind::PrintfTypeMismatch>(value.loc,
                           {c.spec.text, needs, text(value), describe(t)});
        return false;
      }
    }
    stmt.pieces.push_back(std::move(piece));
  }
  return true;
}

}  // namespace ovsq::frontend
