#include "probes/catalog.h"

namespace ovsq::probes {
namespace {

CatalogArg arg(std::string name, std::string c_type, int size,
               std::vector<std::string> aliases = {}) {
  return CatalogArg{std::move(name), std::move(c_type), size,
                    std::move(aliases)};
}

std::vector<CatalogProbe> build_catalog() {
  const CatalogArg udpif = arg("udpif", "struct udpif *", 8);
  const CatalogArg ukey = arg("ukey", "struct udpif_key *", 8);
  const CatalogArg result = arg("result", "enum reval_result", 4);
  const CatalogArg reason =
      arg("reason", "enum flow_del_reason", 4, {"del_reason"});
  const CatalogArg dpif = arg("dpif", "struct dpif_netlink *", 8);
  const CatalogArg flow = arg("flow", "struct dpif_netlink_flow *", 8);
  const CatalogArg request = arg("request", "struct ofpbuf *", 8);
  const DerivedField ukey_ufid{"ufid", "ukey", "ufid"};
  const DerivedField ukey_key{"key", "ukey", "key", "key_len"};
  auto op_key = [](const char* arg) {
    return DerivedField{"key", arg, "key", "key_len"};
  };

  return {
      {"flow_result", "revalidate", "flow_result",
       {udpif, ukey, result, reason}, {ukey_ufid, ukey_key}},
      {"flow_sweep_result", "revalidator_sweep__", "flow_sweep_result",
       {udpif, ukey, result, reason}, {ukey_ufid, ukey_key}},
      {"reval_entry", "revalidate_ukey__", "entry",
       {udpif, ukey, arg("tcp_flags", "uint16_t", 2),
        arg("odp_actions", "struct ofpbuf *", 8),
        arg("recircs", "struct recirc_refs *", 8),
        arg("xcache", "struct xlate_cache *", 8)},
       {ukey_ufid, ukey_key}},
      {"reval_exit", "revalidate_ukey__", "exit", {udpif, ukey, result},
       {ukey_ufid, ukey_key}},
      {"start_dump", "udpif_revalidator", "start_dump",
       {udpif, arg("n_flows", "size_t", 8)}, {}},
      {"sweep_done", "udpif_revalidator", "sweep_done",
       {udpif, arg("n_flows", "size_t", 8),
        arg("max_idle_ms", "unsigned int", 4)},
       {}},
      {"upcall", "dpif_recv", "recv_upcall",
       {arg("dpif_name", "const char *", 8),
        arg("type", "enum dpif_upcall_type", 4),
        arg("packet", "const void *", 8), arg("packet_len", "uint32_t", 4),
        CatalogArg{"key", "const struct nlattr *", 8, {}, "key_len"},
        arg("key_len", "size_t", 8)},
       {}},
      {"flow_put", "dpif_netlink_operate__", "op_flow_put",
       {dpif, arg("put", "struct dpif_flow_put *", 8), flow, request},
       {{"ufid", "put", "ufid"}, op_key("put")}},
      {"flow_del", "dpif_netlink_operate__", "op_flow_del",
       {dpif, arg("del", "struct dpif_flow_del *", 8), flow, request},
       {{"ufid", "del", "ufid"}, op_key("del")}},
      {"flow_get", "dpif_netlink_operate__", "op_flow_get",
       {dpif, arg("get", "struct dpif_flow_get *", 8), flow, request},
       {{"ufid", "get", "ufid"}, op_key("get")}},
      {"flow_execute", "dpif_netlink_operate__", "op_flow_execute",
       {dpif, arg("execute", "struct dpif_execute *", 8),
        arg("packet", "const void *", 8), arg("packet_len", "uint32_t", 4),
        request},
       {}},
      {"run_start", "main", "run_start", {}, {}},
      {"poll_block", "main", "poll_block", {}, {}},
  };
}

std::string join_sizes(const std::vector<UsdtArg>& args) {
  std::string out;
  for (const UsdtArg& a : args) {
    if (!out.empty()) out += ",";
    out += std::to_string(a.size);
  }
  return out;
}

}  // namespace

int CatalogProbe::arg_index(std::string_view field) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].name == field) return int(i);
    for (const std::string& alias : args[i].aliases)
      if (alias == field) return int(i);
  }
  return -1;
}

const DerivedField* CatalogProbe::find_derived(std::string_view field) const {
  for (const DerivedField& d : derived)
    if (d.name == field) return &d;
  return nullptr;
}

std::vector<std::string> CatalogProbe::field_names() const {
  std::vector<std::string> names;
  for (const CatalogArg& a : args) names.push_back(a.name);
  for (const DerivedField& d : derived) names.push_back(d.name);
  for (const CatalogArg& a : args)
    names.insert(names.end(), a.aliases.begin(), a.aliases.end());
  return names;
}

const std::vector<CatalogProbe>& ovs_catalog() {
  static const std::vector<CatalogProbe> catalog = build_catalog();
  return catalog;
}

const CatalogProbe* find_catalog_probe(std::string_view name) {
  for (const CatalogProbe& p : ovs_catalog())
    if (p.short_name == name || p.full_name() == name) return &p;
  return nullptr;
}

std::vector<std::string> catalog_probe_names() {
  std::vector<std::string> names;
  for (const CatalogProbe& p : ovs_catalog()) names.push_back(p.short_name);
  for (const CatalogProbe& p : ovs_catalog()) names.push_back(p.full_name());
  return names;
}

std::string check_against_note(const CatalogProbe& probe,
                               const UsdtProbe& note,
                               const std::string& binary) {
  for (const UsdtLocation& location : note.locations) {
    if (!location.arg_error.empty())
      return probe.full_name() + " in " + binary + ": " + location.arg_error;
    bool same = location.args.size() == probe.args.size();
    for (size_t i = 0; same && i < probe.args.size(); ++i)
      same = location.args[i].size == probe.args[i].size;
    if (same) continue;

    std::string expected;
    for (const CatalogArg& a : probe.args) {
      if (!expected.empty()) expected += ", ";
      expected += a.name + " (" + std::to_string(a.size) + ")";
    }
    if (expected.empty()) expected = "no arguments";
    return probe.full_name() + " in " + binary + " passes " +
           std::to_string(location.args.size()) + " argument" +
           (location.args.size() == 1 ? "" : "s") +
           (location.args.empty() ? "" : " of sizes " + join_sizes(location.args)) +
           "; ovsq expects " + expected;
  }
  return "";
}

std::optional<std::string> enumerator_meaning(std::string_view,
                                              std::string_view) {
  return std::nullopt;  // placeholder until the catalog branch lands
}

}  // namespace ovsq::probes
