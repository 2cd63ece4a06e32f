#include "frontend/flow_filter.h"

#include <cctype>
#include <string>

#include "frontend/address_literal.h"
#include "probes/catalog.h"

namespace ovsq::frontend {
namespace {

struct Scanner {
  const Source& source;
  Diagnostics& diagnostics;
  size_t at = 0;

  const std::string& text() const { return source.text; }
  bool done() const { return at >= text().size(); }
  char peek() const { return done() ? '\0' : text()[at]; }
  void skip_blanks() {
    while (!done() && std::isspace(static_cast<unsigned char>(peek()))) ++at;
  }
  SourceLoc loc(size_t begin, size_t end) const {
    return source.loc_at(uint32_t(begin), uint32_t(std::max<size_t>(end - begin, 1)));
  }
  // An error of kind K over [begin, end).
  template <DiagnosticKind K>
  void fail(size_t begin, size_t end, DiagnosticArgs<K> args = {}) {
    diagnostics.error<K>(loc(begin, end), std::move(args));
  }
  // [A-Za-z0-9_]+
  std::string word() {
    size_t begin = at;
    while (!done() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) ++at;
    return text().substr(begin, at - begin);
  }
  // Up to ',' or ')' (trailing blanks dropped).
  std::string value(size_t& begin) {
    skip_blanks();
    begin = at;
    while (!done() && peek() != ',' && peek() != ')') ++at;
    size_t end = at;
    while (end > begin && std::isspace(static_cast<unsigned char>(text()[end - 1]))) --end;
    return text().substr(begin, end - begin);
  }
};

ExprPtr make(SourceLoc loc, decltype(Expr::node) node) {
  auto e = std::make_unique<Expr>();
  e->loc = loc;
  e->node = std::move(node);
  return e;
}

// The literal for `field` written as `text`, or nullptr.
ExprPtr literal_for(const probes::OdpField& field, const std::string& text, SourceLoc loc) {
  std::optional<AddressLiteral> address;
  switch (field.kind) {
    case probes::OdpFieldKind::Ipv4: address = parse_ipv4(text); break;
    case probes::OdpFieldKind::Ipv6:
    case probes::OdpFieldKind::Mac: {
      address = parse_colon_address(text);
      bool mac = field.kind == probes::OdpFieldKind::Mac;
      if (address && (address->kind == AddressLiteral::Kind::Mac) != mac) address.reset();
      break;
    }
    default: {
      if (text.empty()) return nullptr;
      if (field.name == "frag") {  // as dump-flows prints it: frag=no
        static const char* const kFrag[] = {"no", "first", "later"};
        for (uint64_t i = 0; i < 3; ++i)
          if (text == kFrag[i]) return make(loc, IntLiteral{i, false});
      }
      size_t used = 0;
      uint64_t v = 0;
      try {
        v = std::stoull(text, &used, 0);  // decimal, 0x hex
      } catch (...) {
        return nullptr;
      }
      if (used != text.size() || text[0] == '-') return nullptr;
      if (field.size < 8 && v >> (8 * field.size)) return nullptr;
      if (field.mask && v > field.mask) return nullptr;
      return make(loc, IntLiteral{v, false});
    }
  }
  return address ? make(loc, *address) : nullptr;
}

std::string value_description(const probes::OdpField& field) {
  if (field.mask) return "a number from 0 to " + std::to_string(field.mask);
  switch (field.kind) {
    case probes::OdpFieldKind::Ipv4: return "an IPv4 address such as 192.168.10.10";
    case probes::OdpFieldKind::Ipv6: return "an IPv6 address such as 2001:db8::1";
    case probes::OdpFieldKind::Mac: return "a MAC address such as 0e:04:47:fc:74:51";
    default: break;
  }
  switch (field.size) {
    case 1: return "a number from 0 to 255";
    case 2: return "a number from 0 to 65535";
    case 4: return "a number from 0 to 4294967295";
    default: return "a number";
  }
}

ExprPtr field_access(const probes::OdpField& field, SourceLoc loc) {
  ExprPtr e = make(loc, Identifier{"key"});
  e = make(loc, MemberAccess{std::move(e), field.attr, loc, false});
  if (!field.name.empty()) e = make(loc, MemberAccess{std::move(e), field.name, loc, false});
  return e;
}

ExprPtr conjoin(ExprPtr a, ExprPtr b) {
  if (!a) return b;
  SourceLoc loc = a->loc;
  return make(loc, Binary{BinaryOp::LogicalAnd, std::move(a), std::move(b)});
}

ExprPtr clone(const Expr& e, SourceLoc loc) {
  return std::visit(
      [&](const auto& n) -> ExprPtr {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, MemberAccess>)
          return make(loc, MemberAccess{clone(*n.base, loc), n.member, loc, n.arrow});
        else if constexpr (std::is_same_v<T, Binary>)
          return make(loc, Binary{n.op, clone(*n.lhs, loc), clone(*n.rhs, loc)});
        else if constexpr (std::is_same_v<T, IntLiteral> || std::is_same_v<T, AddressLiteral> ||
                           std::is_same_v<T, Identifier>)
          return make(loc, n);
        else
          return nullptr;  // filters hold nothing else
      },
      e.node);
}

bool has_flow_key(const ProbeRef& ref) {
  const probes::CatalogProbe* probe = probes::find_catalog_probe(ref.name);
  return probe && probe->is_flow_key("key");
}

}  // namespace

std::optional<ExprPtr> parse_flow_filter(const Source& source, Diagnostics& diagnostics) {
  Scanner s{source, diagnostics};
  ExprPtr condition;
  std::vector<std::string> paths = probes::odp_field_paths();
  s.skip_blanks();
  if (s.done()) {
    s.fail<DiagnosticKind::FlowFilterEmpty>(0, 0);
    return std::nullopt;
  }
  while (!s.done()) {
    size_t attr_begin = s.at;
    std::string attr = s.word();
    if (attr.empty()) {
      s.fail<DiagnosticKind::FlowFilterNeedsAttribute>(s.at, s.at + 1);
      return std::nullopt;
    }
    if (s.peek() != '(') {
      s.fail<DiagnosticKind::FlowFilterNeedsParen>(s.at, s.at + 1, {attr});
      return std::nullopt;
    }
    ++s.at;
    bool has_fields = probes::odp_attr_has_fields(attr);
    if (!has_fields && !probes::find_odp_field(attr, "")) {
      diagnostics.error_with_suggestion<DiagnosticKind::UnknownFlowField>(s.loc(attr_begin, attr_begin + attr.size()),
                                        {attr}, attr, paths);
      return std::nullopt;
    }
    do {
      s.skip_blanks();
      size_t field_begin = s.at;
      std::string name;
      if (has_fields) {
        name = s.word();
        if (s.peek() != '=') {
          s.fail<DiagnosticKind::FlowFilterNeedsEquals>(s.at, s.at + 1, {attr + "(" + name});
          return std::nullopt;
        }
        ++s.at;
      }
      const probes::OdpField* field = probes::find_odp_field(attr, name);
      if (!field) {
        std::string path = attr + "." + name;
        diagnostics.error_with_suggestion<DiagnosticKind::UnknownFlowField>(s.loc(field_begin, field_begin + name.size()),
                                          {path}, path, paths);
        return std::nullopt;
      }
      size_t value_begin = 0;
      std::string value = s.value(value_begin);
      SourceLoc value_loc = s.loc(value_begin, value_begin + value.size());
      ExprPtr literal = literal_for(*field, value, value_loc);
      if (!literal) {
        diagnostics.error<DiagnosticKind::FlowFilterValue>(value_loc,
                          {value, field->path(), value_description(*field)});
        return std::nullopt;
      }
      SourceLoc loc = s.loc(field_begin, s.at);
      condition = conjoin(std::move(condition),
                          make(loc, Binary{BinaryOp::Eq, field_access(*field, loc),
                                           std::move(literal)}));
    } while (has_fields && s.peek() == ',' && ++s.at);
    if (s.peek() != ')') {
      s.fail<DiagnosticKind::FlowFilterUnclosed>(s.at, s.at + 1, {attr});
      return std::nullopt;
    }
    ++s.at;
    s.skip_blanks();
    if (s.peek() == ',') {
      ++s.at;
      s.skip_blanks();
    } else if (!s.done()) {
      s.fail<DiagnosticKind::FlowFilterNeedsComma>(s.at, s.at + 1);
      return std::nullopt;
    }
  }
  return condition;
}

size_t apply_flow_filter(Program& program, const Expr& filter) {
  size_t applied = 0;
  for (Clause& clause : program.clauses) {
    if (clause.kind != Clause::Kind::Probe || clause.probes.empty()) continue;
    bool all = true;
    for (const ProbeRef& ref : clause.probes) all = all && has_flow_key(ref);
    if (!all) continue;
    ExprPtr copy = clone(filter, clause.loc);
    clause.predicate = clause.predicate
                           ? make(clause.loc, Binary{BinaryOp::LogicalAnd, std::move(copy),
                                                     std::move(clause.predicate)})
                           : std::move(copy);
    ++applied;
  }
  return applied;
}

}  // namespace ovsq::frontend
