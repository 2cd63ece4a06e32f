#include "session/completion.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>

#include "frontend/builtins.h"
#include "probes/catalog.h"
#include "probes/odp_key.h"
#include "session/completion_context.h"

namespace ovsq::session {
namespace {

using probes::CatalogProbe;
using probes::TypeKind;
using probes::TypeRef;
using Names = std::vector<std::string>;
using ArgKind = CompletionContext::ArgKind;

void append(Names& to, const Names& from) { to.insert(to.end(), from.begin(), from.end()); }

Names sorted_unique(Names names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Names starting_with(const Names& names, std::string_view prefix) {
  Names out;
  for (const std::string& name : names)
    if (name.starts_with(prefix)) out.push_back(name);
  return sorted_unique(std::move(out));
}

Names intersection(const Names& a, const Names& b) {
  Names sa = sorted_unique(a), sb = sorted_unique(b), out;
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(),
                        std::back_inserter(out));
  return out;
}

// The catalog's probes the binary has a note for (their upstream version:
// names and C types are the same in every version).
std::vector<const CatalogProbe*> probes_in_binary(const CompletionContext& context) {
  std::vector<const CatalogProbe*> out;
  if (!context.notes) return out;  // without the binary, no probe is known to be there
  for (const CatalogProbe& probe : probes::ovs_catalog())
    if (probes::find_catalog_probe(probe.short_name) == &probe &&
        context.notes->find(probe.provider, probe.name))
      out.push_back(&probe);
  return out;
}

// Short names, or provider:name once the word has a ':'.  A probe already
// in the list is left out: naming it twice is an error.
Names probe_names(const CompletionContext& context, std::string_view word,
                  const Names& listed) {
  const bool full = word.find(':') != std::string_view::npos;
  Names names;
  for (const CatalogProbe* probe : probes_in_binary(context)) {
    bool is_listed = std::any_of(listed.begin(), listed.end(), [&](const std::string& name) {
      return probes::find_catalog_probe(name) == probe;
    });
    if (!is_listed) names.push_back(full ? probe->full_name() : probe->short_name);
  }
  return names;
}

// The clause's probes the binary has; a misspelt or missing one is left
// out so that the others still complete.
std::vector<const CatalogProbe*> clause_probes(const CursorContext& cursor,
                                               const CompletionContext& context) {
  std::vector<const CatalogProbe*> out;
  const std::vector<const CatalogProbe*> present = probes_in_binary(context);
  for (const std::string& name : cursor.clause_probes) {
    const CatalogProbe* probe = probes::find_catalog_probe(name);
    if (std::find(present.begin(), present.end(), probe) != present.end())
      out.push_back(probe);
  }
  return out;
}

// Whether `name`, a field of `first`, binds on `other` the way sema binds
// a field of a clause over several probes: a flow key on both, or an
// argument of the same C type, or the same derived field.
bool same_field(const CatalogProbe& first, const CatalogProbe& other, std::string_view name) {
  if (first.is_flow_key(name)) return other.is_flow_key(name);
  const int arg = first.arg_index(name);
  if (arg < 0) return other.find_derived(name) != nullptr;
  const int other_arg = other.arg_index(name);
  return other_arg >= 0 && other.args[other_arg].c_type == first.args[arg].c_type;
}

Names shared_fields(const std::vector<const CatalogProbe*>& probes) {
  Names names;
  if (probes.empty()) return names;
  for (const std::string& name : probes.front()->field_names())
    if (std::all_of(probes.begin(), probes.end(), [&](const CatalogProbe* p) {
          return same_field(*probes.front(), *p, name);
        }))
      names.push_back(name);
  return names;
}

// What a name (and its members so far) is on one probe, as far as `->`
// and `.` go: a flow key, one of its attributes, or a C value.
struct Value {
  enum class Kind { None, FlowKey, FlowKeyAttr, C } kind = Kind::None;
  TypeRef type = nullptr;  // C; null when the DWARF has no such type
  std::string attr;        // FlowKeyAttr: "ipv4"
};

Value field_value(const CatalogProbe& probe, std::string_view name,
                  probes::DebugInfo* debug_info) {
  if (probe.is_flow_key(name)) return {Value::Kind::FlowKey, nullptr, {}};
  const int arg = probe.arg_index(name);
  // A derived ufid is a value without members.
  if (arg < 0 || !debug_info) return {};
  return {Value::Kind::C, debug_info->find_type(probe.args[arg].c_type), {}};
}

// The struct or union that `->` (arrow) or `.` reaches from `value`, when
// sema allows it: `->` on a pointer to a complete aggregate, `.` on an
// aggregate.
TypeRef aggregate_reached(const Value& value, bool arrow) {
  if (value.kind != Value::Kind::C || !value.type) return nullptr;
  TypeRef type = value.type;
  if (arrow) type = type->kind == TypeKind::Pointer ? type->target : nullptr;
  return type && type->is_aggregate() && type->complete ? type : nullptr;
}

Value member_value(const Value& value, const MemberStep& step) {
  if (value.kind == Value::Kind::FlowKey && !step.arrow &&
      probes::odp_attr_has_fields(step.name))
    return {Value::Kind::FlowKeyAttr, nullptr, step.name};
  TypeRef aggregate = aggregate_reached(value, step.arrow);
  std::optional<probes::Member> member =
      aggregate ? aggregate->find_member(step.name) : std::nullopt;
  if (!member || member->bit_size != 0) return {};
  return {Value::Kind::C, member->type, {}};
}

Value chain_value(const CatalogProbe& probe, const MemberChain& chain,
                  probes::DebugInfo* debug_info) {
  if (chain.base.empty()) return {};
  Value value = field_value(probe, chain.base, debug_info);
  for (const MemberStep& step : chain.steps) value = member_value(value, step);
  return value;
}

// What may follow `value` and `->` (arrow) or `.`: flow-key attributes,
// an attribute's fields, or the members sema would accept (a bit-field
// is not one).
Names member_names(const Value& value, bool arrow) {
  Names names;
  if (value.kind == Value::Kind::FlowKey || value.kind == Value::Kind::FlowKeyAttr) {
    if (arrow) return names;
    for (const std::string& path : probes::odp_field_paths()) {
      const size_t dot = path.find('.');
      if (value.kind == Value::Kind::FlowKey)
        names.push_back(path.substr(0, dot));
      else if (dot != std::string::npos && path.substr(0, dot) == value.attr)
        names.push_back(path.substr(dot + 1));
    }
    return names;
  }
  if (TypeRef aggregate = aggregate_reached(value, arrow))
    for (const std::string& name : aggregate->member_names())
      if (std::optional<probes::Member> m = aggregate->find_member(name); m && m->bit_size == 0)
        names.push_back(name);
  return names;
}

// `get(probe)` on every probe of the clause, keeping what all have.
template <class Get>
Names on_every_probe(const std::vector<const CatalogProbe*>& probes, Get get) {
  Names names;
  for (size_t i = 0; i < probes.size(); ++i)
    names = i == 0 ? get(*probes[i]) : intersection(names, get(*probes[i]));
  return names;
}

// The enumerators of the operand compared with, when it is an enum.
Names enumerators_compared(const CursorContext& cursor, const CompletionContext& context) {
  return on_every_probe(clause_probes(cursor, context), [&](const CatalogProbe& probe) {
    Names names;
    Value value = chain_value(probe, cursor.chain, context.debug_info);
    if (value.kind == Value::Kind::C && value.type && value.type->kind == TypeKind::Enum)
      for (const probes::Enumerator& e : value.type->enumerators) names.push_back(e.name);
    return names;
  });
}

// Where an expression starts: the clause's fields, the builtins, the
// functions an expression may call, maps; enum constants once the word
// looks like one (every enumerator of the binary would swamp the rest).
Names operand_names(const CursorContext& cursor, const CompletionContext& context) {
  Names names = shared_fields(clause_probes(cursor, context));
  append(names, frontend::builtin_names());
  for (const std::string& f : frontend::function_names())
    if (!frontend::is_aggregation_function(f)) names.push_back(f);
  append(names, cursor.maps);
  if (!cursor.word.empty() && std::isupper(static_cast<unsigned char>(cursor.word[0])) &&
      context.debug_info)
    append(names, context.debug_info->enumerator_names());
  return names;
}

// `.type`'s argument: the C spellings, and once something is typed the
// bare tags too (`udpif_k` finds "udpif_key", which `.type` accepts).
Names type_names(const CompletionContext& context, std::string_view typed) {
  Names names;
  if (!context.debug_info) return names;
  for (const std::string& name : context.debug_info->type_names()) {
    names.push_back(name);
    const size_t blank = name.find(' ');
    if (!typed.empty() && blank != std::string::npos) names.push_back(name.substr(blank + 1));
  }
  return names;
}

Completion complete_command(const CommandLine& line, const CompletionContext& context) {
  Completion out;
  if (!line.has_argument) {
    out.start = line.name_start;
    Names names;
    for (const CompletionContext::Command& command : context.commands)
      names.push_back("." + command.name);
    out.candidates = starting_with(names, "." + std::string(line.name));
    return out;
  }
  out.start = line.argument_start;
  auto command = std::find_if(context.commands.begin(), context.commands.end(),
                              [&](const auto& c) { return c.name == line.name; });
  if (command == context.commands.end()) return out;
  // Every argument but a type ("struct udpif_key") is one word.
  if (command->arg != ArgKind::Type &&
      line.argument.find_first_of(" \t") != std::string_view::npos)
    return out;
  Names names;
  switch (command->arg) {
    case ArgKind::Probe: names = probe_names(context, line.argument, {}); break;
    case ArgKind::Type: names = type_names(context, line.argument); break;
    case ArgKind::HelpTopic: names = context.help_topics; break;
    case ArgKind::Setting: names = context.settings; break;
    case ArgKind::Job: names = context.job_numbers; break;
    case ArgKind::File: out.filenames = true; break;
    case ArgKind::None: break;
  }
  out.candidates = starting_with(names, line.argument);
  return out;
}

}  // namespace

Completion complete(std::string_view text, const CompletionContext& context) {
  if (std::optional<CommandLine> line = parse_command_line(text))
    return complete_command(*line, context);

  const CursorContext cursor = analyze_cursor(text);
  Names names = cursor.keywords;
  using P = CursorPosition;
  switch (cursor.position) {
    case P::Nothing:
    case P::TopLevel:
    case P::Keyword: break;
    case P::ProbeName: names = probe_names(context, cursor.word, cursor.clause_probes); break;
    case P::StatementStart: append(names, cursor.maps); break;
    case P::Operand: append(names, operand_names(cursor, context)); break;
    case P::Member:
      names = on_every_probe(clause_probes(cursor, context), [&](const CatalogProbe& probe) {
        return member_names(chain_value(probe, cursor.chain, context.debug_info), cursor.arrow);
      });
      break;
    case P::ComparedValue:
      // Not an enum, or none of its names fits what is typed: any operand.
      names = enumerators_compared(cursor, context);
      if (starting_with(names, cursor.word).empty()) {
        names = cursor.keywords;
        append(names, operand_names(cursor, context));
      }
      break;
    case P::MapName:
    case P::DeleteTarget: names = cursor.maps; break;
  }
  Completion out;
  out.start = cursor.word_start;
  out.candidates = starting_with(names, cursor.word);
  return out;
}

}  // namespace ovsq::session
