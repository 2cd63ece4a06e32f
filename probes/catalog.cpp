#include "probes/catalog.h"

namespace ovsq::probes {
namespace {

CatalogArg arg(std::string name, std::string c_type, int size,
               std::vector<std::string> aliases = {}) {
  return CatalogArg{std::move(name), std::move(c_type), size,
                    std::move(aliases), ""};
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
  const DerivedField ukey_ufid{"ufid", "ukey", "ufid", ""};
  const DerivedField ukey_key{"key", "ukey", "key", "key_len"};
  const DerivedField ukey_flow{"flow", "ukey", "key", "key_len", "mask", "mask_len"};
  auto op_key = [](const char* arg) {
    return DerivedField{"key", arg, "key", "key_len"};
  };

  // The seed patch (v9, Feb 2024) passed (result, reason, udpif, ukey):
  // sizes 4,4,8,8 against upstream's 8,8,4,4.
  const std::string seed = "seed patch v9";

  return {
      {"flow_result", "revalidate", "flow_result",
       {udpif, ukey, result, reason}, {ukey_ufid, ukey_key, ukey_flow}},
      {"flow_result", "revalidate", "flow_result",
       {result, reason, udpif, ukey}, {ukey_ufid, ukey_key, ukey_flow}, seed},
      {"flow_sweep_result", "revalidator_sweep__", "flow_sweep_result",
       {udpif, ukey, result, reason}, {ukey_ufid, ukey_key, ukey_flow}},
      {"flow_sweep_result", "revalidator_sweep__", "flow_sweep_result",
       {result, reason, udpif, ukey}, {ukey_ufid, ukey_key, ukey_flow}, seed},
      {"reval_entry", "revalidate_ukey__", "entry",
       {udpif, ukey, arg("tcp_flags", "uint16_t", 2),
        arg("odp_actions", "struct ofpbuf *", 8),
        arg("recircs", "struct recirc_refs *", 8),
        arg("xcache", "struct xlate_cache *", 8)},
       {ukey_ufid, ukey_key, ukey_flow}},
      {"reval_exit", "revalidate_ukey__", "exit", {udpif, ukey, result},
       {ukey_ufid, ukey_key, ukey_flow}},
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
       {{"ufid", "put", "ufid", ""}, op_key("put")}},
      {"flow_del", "dpif_netlink_operate__", "op_flow_del",
       {dpif, arg("del", "struct dpif_flow_del *", 8), flow, request},
       {{"ufid", "del", "ufid", ""}, op_key("del")}},
      {"flow_get", "dpif_netlink_operate__", "op_flow_get",
       {dpif, arg("get", "struct dpif_flow_get *", 8), flow, request},
       {{"ufid", "get", "ufid", ""}, op_key("get")}},
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

bool same_name(const CatalogProbe& p, std::string_view name) {
  return p.short_name == name || p.full_name() == name;
}

// Whether a location's arguments have the version's count and sizes.
bool matches(const CatalogProbe& version, const UsdtLocation& location) {
  if (location.args.size() != version.args.size()) return false;
  for (size_t i = 0; i < version.args.size(); ++i)
    if (location.args[i].size != version.args[i].size) return false;
  return true;
}

// "udpif (8), ukey (8), result (4), reason (4)"
std::string describe_args(const CatalogProbe& version) {
  std::string out;
  for (const CatalogArg& a : version.args) {
    if (!out.empty()) out += ", ";
    out += a.name + " (" + std::to_string(a.size) + ")";
  }
  return out.empty() ? "no arguments" : out;
}

// "passes 4 arguments of sizes 4,4,8,8"
std::string describe_location(const UsdtLocation& location) {
  size_t n = location.args.size();
  return "passes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") +
         (n == 0 ? "" : " of sizes " + join_sizes(location.args));
}

std::vector<CatalogEnum> build_enums() {
  return {
      {"reval_result",
       {{"UKEY_KEEP", 0, "keep the flow"},
        {"UKEY_DELETE", 1, "delete the flow"},
        {"UKEY_MODIFY", 2, "modify the flow's actions"}}},
      {"flow_del_reason",
       {{"FDR_NONE", 0, "none"},
        {"FDR_AVOID_CACHING", 1, "cache avoidance flag set"},
        {"FDR_BAD_ODP_FIT", 2, "bad ODP flow fit"},
        {"FDR_FLOW_IDLE", 3, "flow idle timeout"},
        {"FDR_FLOW_LIMIT", 4, "kill-all-flows condition reached"},
        {"FDR_FLOW_WILDCARDED", 5, "flow needs a narrower wildcard mask"},
        {"FDR_NO_OFPROTO", 6, "bridge not found"},
        {"FDR_PURGE", 7,
         "user requested flow deletion (ovs-appctl revalidator/purge)"},
        {"FDR_TOO_EXPENSIVE", 8, "too expensive to revalidate"},
        {"FDR_UPDATE_FAIL", 9, "datapath update failed"},
        {"FDR_XLATION_ERROR", 10, "flow translation error"},
        {"FDR_FLOW_MISSING_DP", 11, "flow missing from the datapath"}}},
      {"dpif_upcall_type",
       {{"DPIF_UC_MISS", 0, "miss in the flow table"},
        {"DPIF_UC_ACTION", 1, "userspace action (OVS_ACTION_ATTR_USERSPACE)"},
        {"DPIF_N_UC_TYPES", 2, ""}}},
      {"dpif_flow_put_flags",
       {{"DPIF_FP_CREATE", 1, "allow creating a new flow"},
        {"DPIF_FP_MODIFY", 2, "allow modifying an existing flow"},
        {"DPIF_FP_ZERO_STATS", 4, "zero the stats of an existing flow"},
        {"DPIF_FP_PROBE", 8, "suppress error messages"}}},
  };
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

bool CatalogProbe::is_flow_key(std::string_view field) const {
  int arg = arg_index(field);
  if (arg >= 0) return !args[arg].length_arg.empty();
  const DerivedField* d = find_derived(field);
  return d && !d->length_member.empty();
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
    if (same_name(p, name)) return &p;
  return nullptr;
}

std::vector<const CatalogProbe*> catalog_versions(std::string_view name) {
  std::vector<const CatalogProbe*> versions;
  for (const CatalogProbe& p : ovs_catalog())
    if (same_name(p, name)) versions.push_back(&p);
  return versions;
}

std::vector<std::string> catalog_probe_names() {
  std::vector<std::string> names;
  for (const CatalogProbe& p : ovs_catalog())
    if (find_catalog_probe(p.short_name) == &p) names.push_back(p.short_name);
  for (const CatalogProbe& p : ovs_catalog())
    if (find_catalog_probe(p.short_name) == &p) names.push_back(p.full_name());
  return names;
}

const CatalogProbe* select_version(const CatalogProbe& probe,
                                   const UsdtProbe& note,
                                   const std::string& binary,
                                   std::string& error) {
  error.clear();
  const std::string where = probe.full_name() + " in " + binary;
  for (const UsdtLocation& location : note.locations) {
    if (!location.arg_error.empty()) {
      error = where + ": " + location.arg_error;
      return nullptr;
    }
  }
  std::vector<const CatalogProbe*> versions = catalog_versions(probe.full_name());
  for (const CatalogProbe* version : versions) {
    bool all = true;
    for (const UsdtLocation& location : note.locations)
      all = all && matches(*version, location);
    if (all) return version;
  }

  // What was found: the first location no version fits, else (each fits
  // some version, but not the same one) the two that disagree.
  std::string found;
  for (const UsdtLocation& location : note.locations) {
    bool any = false;
    for (const CatalogProbe* version : versions)
      any = any || matches(*version, location);
    if (!any) {
      found = describe_location(location);
      break;
    }
  }
  if (found.empty() && !note.locations.empty()) {
    const UsdtLocation& first = note.locations.front();
    for (const UsdtLocation& location : note.locations) {
      if (join_sizes(location.args) == join_sizes(first.args) &&
          location.args.size() == first.args.size())
        continue;
      found = describe_location(first) + " at one location and " +
              std::to_string(location.args.size()) + " of sizes " +
              join_sizes(location.args) + " at another";
      break;
    }
  }
  std::string known;
  if (versions.size() == 1) {
    known = "ovsq expects " + describe_args(*versions.front());
  } else {
    known = "ovsq knows ";
    for (size_t i = 0; i < versions.size(); ++i) {
      if (i > 0) known += " or ";
      known += describe_args(*versions[i]) + " (" + versions[i]->version + ")";
    }
  }
  error = where + " " + found + "; " + known;
  return nullptr;
}

const std::vector<CatalogEnum>& catalog_enums() {
  static const std::vector<CatalogEnum> enums = build_enums();
  return enums;
}

std::optional<std::string> enumerator_meaning(std::string_view enum_name,
                                              std::string_view enumerator) {
  if (enum_name.starts_with("enum ")) enum_name.remove_prefix(5);
  for (const CatalogEnum& e : catalog_enums()) {
    if (e.name != enum_name) continue;
    for (const CatalogEnumerator& en : e.enumerators)
      if (en.name == enumerator && !en.meaning.empty()) return en.meaning;
  }
  return std::nullopt;
}

}  // namespace ovsq::probes
