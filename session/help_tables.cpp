#include "session/help_tables.h"

#include <algorithm>
#include <map>
#include <vector>

#include "frontend/builtins.h"
#include "probes/catalog.h"
#include "probes/odp_key.h"
#include "session/text_table.h"

namespace ovsq::session::help {
namespace {

// Help lines stay within this many columns, a terminal's usual 80 less a
// margin.
constexpr size_t kLineWidth = 79;

// `pieces` joined by `separator` into lines of at most `width` columns
// (a piece wider than that gets a line of its own).
std::vector<std::string> wrap(const std::vector<std::string>& pieces,
                              const std::string& separator, size_t width) {
  // A line that goes on ends with the separator's non-blank part (";").
  const std::string line_end =
      separator.substr(0, separator.find_last_not_of(' ') + 1);
  std::vector<std::string> lines;
  for (const std::string& piece : pieces) {
    if (lines.empty()) {
      lines.push_back(piece);
    } else if (lines.back().size() + separator.size() + piece.size() +
                   line_end.size() <= width) {  // room for a line_end after
      lines.back() += separator + piece;
    } else {
      lines.back() += line_end;
      lines.push_back(piece);
    }
  }
  return lines;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Two-column rows whose second cell wraps under itself: `rows` are
// (first cell, pieces of the second), joined by `separator`.
TextTable wrapped_table(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& rows,
    const std::string& separator) {
  size_t first = 0;
  for (const auto& row : rows) first = std::max(first, row.first.size());
  const size_t width = kLineWidth - (2 + first + 2);  // indent, cell, gap
  TextTable table("  ");
  for (const auto& [cell, pieces] : rows) {
    std::vector<std::string> lines = wrap(pieces, separator, width);
    for (size_t i = 0; i < lines.size(); ++i)
      table.add_row({i == 0 ? cell : "", lines[i]});
  }
  return table;
}

// How a flow-key field's value reads in a query.
const char* kind_name(probes::OdpFieldKind kind) {
  switch (kind) {
    case probes::OdpFieldKind::Ipv4: return "IPv4";
    case probes::OdpFieldKind::Ipv6: return "IPv6";
    case probes::OdpFieldKind::Mac: return "MAC";
    default: return "integer";
  }
}

// {".src .dst IPv4", ".proto .tos .ttl .frag integer"}: an attribute's
// fields in table order, each run of one kind followed by the kind.
std::vector<std::string> fields_of(const std::string& attr) {
  std::vector<std::string> runs;
  std::string run;
  const char* run_kind = nullptr;
  for (const std::string& path : probes::odp_field_paths()) {
    if (!path.starts_with(attr + ".")) continue;
    const probes::OdpField* field =
        probes::find_odp_field(attr, path.substr(attr.size() + 1));
    const char* kind = kind_name(field->kind);
    if (run_kind != nullptr && std::string(kind) != run_kind) {
      runs.push_back(run + " " + run_kind);
      run.clear();
    }
    run += (run.empty() ? "." : " .") + field->name;
    run_kind = kind;
  }
  runs.push_back(run + " " + run_kind);
  return runs;
}

// A probe's fields as a query names them: "reason (also del_reason)".
std::vector<std::string> probe_fields(const probes::CatalogProbe& probe) {
  std::vector<std::string> fields;
  for (const probes::CatalogArg& arg : probe.args)
    fields.push_back(arg.aliases.empty() ? arg.name
                                         : arg.name + " (also " + join(arg.aliases, ", ") + ")");
  for (const probes::DerivedField& field : probe.derived) fields.push_back(field.name);
  if (fields.empty()) return {"(none: only the builtins)"};
  return fields;
}

}  // namespace

std::string builtins_text() {
  TextTable table("  ");
  for (const frontend::BuiltinInfo& builtin : frontend::kBuiltins)
    table.add_row({builtin.name, builtin.help});
  return "Builtins: values every probe has.\n\n" + table.str() +
         "\n  on flow_result where comm == \"revalidator7\" count by cpu\n"
         "  on flow_put { @born[ufid] = now }\n";
}

std::string functions_text() {
  std::vector<std::pair<std::string, std::vector<std::string>>> aggregation_rows, other_rows;
  for (const AggregationInfo& info : kAggregations)
    aggregation_rows.push_back({info.help_call, words(info.help_what)});
  for (const frontend::FunctionInfo& info : frontend::kFunctions)
    other_rows.push_back({info.help_call, words(info.help_what)});
  TextTable aggregations = wrapped_table(aggregation_rows, " ");
  TextTable others = wrapped_table(other_rows, " ");
  return "Aggregations: a statement, 'count by reason', or a map's value,\n"
         "'@deletes[reason] = count()'; printed when the run ends, or at each\n"
         "'every' interval (.help limits).  'by KEY, ...' gives a row per key.\n\n" +
         aggregations.str() +
         "\nFunctions in expressions:\n\n" + others.str() +
         "\n  on flow_result where result == UKEY_DELETE count by reason\n"
         "  on flow_result print ufid, meaning(reason)\n"
         "  on upcall where str(dpif_name) == \"system@ovs-system\" count by type\n";
}

std::string keys_text() {
  // One row per attribute, in the table's order (roughly OVS's).
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  std::vector<std::string> seen;
  for (const std::string& path : probes::odp_field_paths()) {
    std::string attr = path.substr(0, path.find('.'));
    if (std::find(seen.begin(), seen.end(), attr) != seen.end()) continue;
    seen.push_back(attr);
    if (const probes::OdpField* whole = probes::find_odp_field(attr, ""))
      rows.push_back({"key." + attr, {kind_name(whole->kind)}});
    else
      rows.push_back({"key." + attr, fields_of(attr)});
  }
  TextTable table = wrapped_table(rows, "; ");
  return "Flow-key fields: 'key' is the probe's datapath flow key, printed as an\n"
         "ODP flow string; its fields are values read in the kernel, walking\n"
         "through encap() and into tunnel().  A field the flow lacks compares\n"
         "false (!= too) and prints as 0.\n\n" +
         table.str() +
         "\n  on flow_result where key.ipv4.src == 10.0.0.1 && key.tcp.dst == 443 print key\n"
         "  on upcall count by key.in_port\n";
}

std::string probes_text() {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  for (const probes::CatalogProbe& probe : probes::ovs_catalog())
    if (probes::find_catalog_probe(probe.short_name) == &probe)
      rows.push_back({probe.short_name, probe_fields(probe)});
  TextTable table = wrapped_table(rows, ", ");
  return "The ovs-vswitchd probes, by short name or provider:name, and their fields:\n\n" +
         table.str() +
         "\n  .probes          which of them the binary has: locations, semaphores\n"
         "  .describe PROBE  a probe's fields with their C types, and every value\n"
         "                   of its enums with what it means\n"
         "  .type NAME       a struct, union or enum of the debug info, as pahole\n"
         "                   prints it: .type struct udpif_key\n";
}

}  // namespace ovsq::session::help
