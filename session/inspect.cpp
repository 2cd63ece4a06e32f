// `.probes` and `.describe PROBE`: the catalog (probes/catalog.h) held
// against the binary's notes and debug info.  `.type` is in
// inspect_types.cpp.
#include "session/inspect.h"

#include "frontend/builtins.h"
#include "frontend/diagnostics.h"
#include "probes/catalog.h"
#include "session/text_table.h"
#include "support/error.h"

namespace ovsq::session {
namespace {

using probes::CatalogArg;
using probes::CatalogProbe;
using probes::DerivedField;
using probes::TypeKind;
using probes::TypeRef;
using probes::UsdtProbe;

// The catalog's probes, one entry each: the upstream version, which
// find_catalog_probe gives (the others follow it in ovs_catalog()).
std::vector<const CatalogProbe*> catalog_probes() {
  std::vector<const CatalogProbe*> out;
  for (const CatalogProbe& p : probes::ovs_catalog())
    if (probes::find_catalog_probe(p.short_name) == &p) out.push_back(&p);
  return out;
}

std::string count_of(size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// Whether the probe has a semaphore: OVS gives all of a probe's locations
// one, so any location's says it.
bool has_semaphore(const UsdtProbe& note) {
  for (const probes::UsdtLocation& location : note.locations)
    if (location.semaphore != 0) return true;
  return false;
}

// The binary's probe `name` when it is written provider:name.
const UsdtProbe* find_note(const probes::UsdtNotes& notes, std::string_view name) {
  size_t colon = name.find(':');
  if (colon == std::string_view::npos) return nullptr;
  return notes.find(name.substr(0, colon), name.substr(colon + 1));
}

// A type's name as the debug info spells it (typedefs kept, qualifiers
// dropped), else the catalog's spelling.
std::string c_type_name(probes::DebugInfo& debug_info, const std::string& spelling) {
  TypeRef type = debug_info.find_type(spelling);
  return type != nullptr ? type->name : spelling;
}

// The values of an enum field, under its row: value, name, meaning.
void add_enumerators(TextTable& table, const probes::Type& type) {
  if (type.enumerators.empty()) {
    table.add_line("    (no values: the debug info only declares " + type.name + ")");
    return;
  }
  // The catalog knows meanings by the enum's tag, also for a typedef of it.
  const std::string& enum_name = type.typedef_of.empty() ? type.name : type.typedef_of;
  TextTable values("    ");
  values.right_align(0);
  for (const probes::Enumerator& e : type.enumerators)
    values.add_row({std::to_string(e.value), e.name,
                    probes::enumerator_meaning(enum_name, e.name).value_or("")});
  std::string text = values.str();
  text.pop_back();  // add_line adds the newline
  table.add_line(text);
}

// A field computed from an argument: `ufid` (ukey->ufid, *put->ufid) or a
// flow key with its length (ukey->key, ukey->key_len bytes).
void add_derived(TextTable& table, const CatalogProbe& probe,
                 const DerivedField& field, probes::DebugInfo& debug_info) {
  const std::string access = field.arg + "->" + field.member;
  int arg = probe.arg_index(field.arg);
  TypeRef pointer = arg < 0 ? nullptr : debug_info.find_type(probe.args[arg].c_type);
  TypeRef target = pointer != nullptr && pointer->kind == TypeKind::Pointer
                       ? pointer->target : nullptr;
  std::optional<probes::Member> member =
      target != nullptr ? target->find_member(field.member) : std::nullopt;
  if (!member) {
    std::string where = target != nullptr ? target->name : "its struct";
    table.add_row({field.name, "?", access + ", but the debug info has no layout of " +
                                        where + ": the field cannot be used"});
    return;
  }
  if (!field.mask_member.empty()) {
    table.add_row({field.name, member->type->name,
                   access + " under " + field.arg + "->" + field.mask_member +
                       ": the flow's match, as dpctl/dump-flows prints it"});
  } else if (!field.length_member.empty()) {
    table.add_row({field.name, member->type->name,
                   access + ", " + field.arg + "->" + field.length_member +
                       " bytes: a flow key (.help keys)"});
  } else if (member->type->kind == TypeKind::Pointer) {
    table.add_row({field.name, member->type->target->name, "*" + access});
  } else {
    table.add_row({field.name, member->type->name, access});
  }
}

std::string unknown_probe(std::string_view probe, const probes::UsdtNotes& notes,
                          const std::string& binary) {
  std::string message = frontend::diagnostic_message(
      frontend::DiagnosticKind::UnknownProbe, {std::string(probe)});
  if (find_note(notes, probe) != nullptr)
    return message + ": " + binary + " has it, but ovsq's catalog does not "
                     "describe its arguments";
  return frontend::with_did_you_mean(message, probe, probes::catalog_probe_names());
}

}  // namespace

std::string describe_probes(const probes::UsdtNotes& notes, const std::string& binary) {
  TextTable table;
  table.right_align(2);
  table.add_row({"probe", "provider:name", "locations", "semaphore"});
  size_t present = 0, total = 0, others = 0;
  for (const CatalogProbe* probe : catalog_probes()) {
    ++total;
    const UsdtProbe* note = notes.find(probe->provider, probe->name);
    if (note == nullptr) {
      table.add_row({probe->short_name, probe->full_name(), "-", "-",
                     "(not in this binary)"});
      continue;
    }
    ++present;
    std::string error;
    const CatalogProbe* version = probes::select_version(*probe, *note, binary, error);
    std::string remark;
    if (version == nullptr)
      remark = "(no argument order ovsq knows: see .describe)";
    else if (version != probe)
      remark = "(" + version->version + " argument order)";
    table.add_row({probe->short_name, probe->full_name(),
                   std::to_string(note->locations.size()),
                   has_semaphore(*note) ? "yes" : "no", remark});
  }
  for (const UsdtProbe& note : notes.probes) {
    if (probes::find_catalog_probe(note.full_name()) != nullptr) continue;
    ++others;
    table.add_row({"-", note.full_name(), std::to_string(note.locations.size()),
                   has_semaphore(note) ? "yes" : "no", "(not in ovsq's catalog)"});
  }
  std::string out = table.str() + "\n" + std::to_string(present) + " of ovsq's " +
                    std::to_string(total) + " probes are in " + binary;
  if (others > 0)
    out += ", with " + count_of(others, "probe") + " ovsq does not know";
  return out + ".\n";
}

std::string describe_probe(std::string_view probe, const probes::UsdtNotes& notes,
                           probes::DebugInfo& debug_info, const std::string& binary) {
  const CatalogProbe* upstream = probes::find_catalog_probe(probe);
  if (upstream == nullptr) throw UserError(unknown_probe(probe, notes, binary));

  // The header: where the probe is, and which argument order it passes.
  // Without a match, the fields are upstream's, for reference.
  std::string out = upstream->short_name + " (" + upstream->full_name() + ")\n";
  const CatalogProbe* version = upstream;
  const UsdtProbe* note = notes.find(upstream->provider, upstream->name);
  if (note == nullptr) {
    out += "  not in " + binary + "; its fields as upstream passes them:\n";
  } else {
    out += "  " + count_of(note->locations.size(), "location") + " in " + binary +
           (has_semaphore(*note) ? ", with a semaphore" : ", no semaphore");
    std::string error;
    if (const CatalogProbe* matched =
            probes::select_version(*upstream, *note, binary, error)) {
      version = matched;
      out += ", " + matched->version + " argument order\n";
    } else {
      out += "\n  " + error + "\n  its fields as upstream passes them:\n";
    }
  }
  out += "\n";

  if (version->args.empty()) {
    out += "no fields: only the builtins\n";
  } else {
    TextTable table;
    table.add_row({"field", "C type", "from"});
    for (size_t i = 0; i < version->args.size(); ++i) {
      const CatalogArg& arg = version->args[i];
      std::string from = "argument " + std::to_string(i + 1);
      if (!arg.aliases.empty()) from += ", also called " + join(arg.aliases, ", ");
      if (!arg.length_arg.empty())
        from += ", " + arg.length_arg + " bytes: a flow key (.help keys)";
      table.add_row({arg.name, c_type_name(debug_info, arg.c_type), from});
      TypeRef type = debug_info.find_type(arg.c_type);
      if (type != nullptr && type->kind == TypeKind::Enum) add_enumerators(table, *type);
    }
    for (const DerivedField& field : version->derived)
      add_derived(table, *version, field, debug_info);
    out += table.str();
  }
  return out + "\nbuiltins, on every probe: " + join(frontend::builtin_names(), ", ") +
         " (.help builtins)\n";
}

}  // namespace ovsq::session
