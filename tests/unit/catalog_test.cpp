// probes/catalog: argument-order versions picked by the note's sizes (with
// notes built by hand), and the names sema binds through them; enumerator
// meanings; probes/catalog_types: the built-in types of upstream OVS and
// the fallback to them when a binary has no debug info.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "frontend/sema.h"
#include "probes/catalog.h"
#include "probes/catalog_types.h"
#include "probes/usdt_notes.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::testing;

// A note with one location per spec string ("8@%rdi 8@%rsi 4@$0 4@%ecx").
UsdtProbe note(const std::string& provider, const std::string& name,
               const std::vector<std::string>& locations) {
  UsdtProbe probe{provider, name, {}};
  for (const std::string& specs : locations) {
    UsdtLocation location;
    location.arg_specs = specs;
    location.args = parse_usdt_args(specs);
    probe.locations.push_back(location);
  }
  return probe;
}

const CatalogProbe& flow_result() { return *find_catalog_probe("flow_result"); }

std::string select_error(const CatalogProbe& probe, const UsdtProbe& n) {
  std::string error;
  const CatalogProbe* version = select_version(probe, n, "/usr/sbin/ovs-vswitchd", error);
  EXPECT_EQ(version, nullptr);
  return error;
}

// ---- versions --------------------------------------------------------------

TEST(CatalogVersions, FlowResultHasUpstreamAndSeedOrders) {
  for (const char* name : {"flow_result", "revalidate:flow_result",
                           "flow_sweep_result"}) {
    SCOPED_TRACE(name);
    std::vector<const CatalogProbe*> versions = catalog_versions(name);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0], find_catalog_probe(name));  // upstream first
    EXPECT_EQ(versions[0]->version, "upstream");
    EXPECT_EQ(versions[1]->version, "seed patch v9");
    EXPECT_EQ(versions[0]->full_name(), versions[1]->full_name());
    EXPECT_EQ(versions[0]->arg_index("udpif"), 0);
    EXPECT_EQ(versions[0]->arg_index("del_reason"), 3);
    EXPECT_EQ(versions[1]->arg_index("result"), 0);
    EXPECT_EQ(versions[1]->arg_index("reason"), 1);
    EXPECT_EQ(versions[1]->arg_index("udpif"), 2);
    EXPECT_EQ(versions[1]->arg_index("ukey"), 3);
    EXPECT_NE(versions[1]->find_derived("ufid"), nullptr);
  }
  EXPECT_EQ(catalog_versions("reval_exit").size(), 1u);
  EXPECT_TRUE(catalog_versions("nonesuch").empty());
}

TEST(CatalogVersions, ProbeNamesAreListedOnce) {
  std::vector<std::string> names = catalog_probe_names();
  EXPECT_EQ(names.size(), 26u);  // 13 short names, 13 provider:names
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(),
            names.size());
}

TEST(CatalogVersions, PicksTheVersionMatchingEveryLocation) {
  std::string error;
  // The reference build's note, and the sim's two locations.
  UsdtProbe upstream = note("revalidate", "flow_result",
                            {"8@%r15 8@%r13 4@%ebx 4@%r12d",
                             "8@%rdi 8@%rsi 4@$0 4@%ecx"});
  EXPECT_EQ(select_version(flow_result(), upstream, "b", error),
            catalog_versions("flow_result")[0]);
  EXPECT_EQ(error, "");

  UsdtProbe seed = note("revalidate", "flow_result",
                        {"4@$0 4@%ecx 8@%rdi 8@%rsi",
                         "4@%r12d 4@%r13d 8@%rbp 8@%rbx"});
  const CatalogProbe* v = select_version(flow_result(), seed, "b", error);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->version, "seed patch v9");
  EXPECT_EQ(v->args[0].name, "result");
  // Asked through any version, the answer is the same.
  EXPECT_EQ(select_version(*v, upstream, "b", error),
            catalog_versions("flow_result")[0]);

  UsdtProbe sweep = note("revalidator_sweep__", "flow_sweep_result",
                         {"-4@%edx -4@%eax 8@%rbp 8@%rbx"});
  v = select_version(*find_catalog_probe("flow_sweep_result"), sweep, "b", error);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->version, "seed patch v9");
  EXPECT_EQ(v->short_name, "flow_sweep_result");

  UsdtProbe no_args = note("main", "run_start", {""});
  EXPECT_EQ(select_version(*find_catalog_probe("run_start"), no_args, "b", error),
            find_catalog_probe("run_start"));
}

TEST(CatalogVersions, NoneMatchesNamesWhatWasFoundAndEveryVersion) {
  const std::string both =
      "; ovsq knows udpif (8), ukey (8), result (4), reason (4) (upstream) or "
      "result (4), reason (4), udpif (8), ukey (8) (seed patch v9)";
  EXPECT_EQ(select_error(flow_result(),
                         note("revalidate", "flow_result",
                              {"8@%rdi 8@%rsi 8@$0 8@%r13"})),
            "revalidate:flow_result in /usr/sbin/ovs-vswitchd passes 4 "
            "arguments of sizes 8,8,8,8" + both);
  // The location no version fits is the one described.
  EXPECT_EQ(select_error(flow_result(),
                         note("revalidate", "flow_result",
                              {"8@%rdi 8@%rsi 4@$0 4@%ecx",
                               "8@%rdi 8@%rsi 4@$0 4@%ecx 8@%rax"})),
            "revalidate:flow_result in /usr/sbin/ovs-vswitchd passes 5 "
            "arguments of sizes 8,8,4,4,8" + both);
  // Each location fits a version, but not the same one.
  EXPECT_EQ(select_error(flow_result(),
                         note("revalidate", "flow_result",
                              {"8@%rdi 8@%rsi 4@$0 4@%ecx",
                               "4@$0 4@%ecx 8@%rdi 8@%rsi"})),
            "revalidate:flow_result in /usr/sbin/ovs-vswitchd passes 4 "
            "arguments of sizes 8,8,4,4 at one location and 4 of sizes "
            "4,4,8,8 at another" + both);
  // A probe with one version keeps the short form.
  EXPECT_EQ(select_error(*find_catalog_probe("reval_exit"),
                         note("revalidate_ukey__", "exit", {"8@%rbp 8@%rbx"})),
            "revalidate_ukey__:exit in /usr/sbin/ovs-vswitchd passes 2 "
            "arguments of sizes 8,8; ovsq expects udpif (8), ukey (8), "
            "result (4)");
  EXPECT_EQ(select_error(*find_catalog_probe("reval_exit"),
                         note("revalidate_ukey__", "exit", {"8@%rbp"})),
            "revalidate_ukey__:exit in /usr/sbin/ovs-vswitchd passes 1 "
            "argument of sizes 8; ovsq expects udpif (8), ukey (8), "
            "result (4)");
  EXPECT_EQ(select_error(*find_catalog_probe("run_start"),
                         note("main", "run_start", {"8@%rbp"})),
            "main:run_start in /usr/sbin/ovs-vswitchd passes 1 argument of "
            "sizes 8; ovsq expects no arguments");
  // A spec that could not be parsed is reported as it was.
  UsdtProbe bad = note("revalidate", "flow_result", {});
  bad.locations.push_back(UsdtLocation{});
  bad.locations.back().arg_error = "cannot parse argument spec '8@%xyz'";
  EXPECT_EQ(select_error(flow_result(), bad),
            "revalidate:flow_result in /usr/sbin/ovs-vswitchd: cannot parse "
            "argument spec '8@%xyz'");
}

// Sema binds a clause's fields through the version the note matches.
struct Checked {
  ovsq::frontend::Source source;
  ovsq::frontend::Diagnostics diagnostics{source};
  ovsq::frontend::Program program;
  bool ok = false;
  Checked(const std::string& query, const UsdtNotes& notes, DebugInfo& types)
      : source{"<test>", query} {
    program = ovsq::frontend::parse(source, diagnostics);
    ovsq::frontend::Sema sema(notes, types, diagnostics);
    ok = !diagnostics.has_errors() && sema.check(program);
  }
  std::string errors() const { return diagnostics.render(); }
};

UsdtNotes notes_with(std::vector<UsdtProbe> probes) {
  UsdtNotes notes;
  notes.path = "/usr/sbin/ovs-vswitchd";
  notes.probes = std::move(probes);
  return notes;
}

TEST(CatalogVersions, SemaFollowsTheMatchedVersion) {
  auto types = builtin_debug_info();
  UsdtNotes notes = notes_with(
      {note("revalidate", "flow_result", {"4@%r12d 4@%r13d 8@%rbp 8@%rbx"}),
       note("revalidator_sweep__", "flow_sweep_result",
            {"8@%rbp 8@%rbx 4@%edx 4@%eax"})});
  Checked c("on flow_result, flow_sweep_result where reason == FDR_FLOW_IDLE "
            "print ufid, udpif",
            notes, *types);
  ASSERT_TRUE(c.ok) << c.errors();
  const auto& clause = c.program.clauses[0];
  EXPECT_EQ(clause.probes[0].catalog->version, "seed patch v9");
  EXPECT_EQ(clause.probes[1].catalog->version, "upstream");
  const auto* binary = clause.predicate->as<ovsq::frontend::Binary>();
  ASSERT_NE(binary, nullptr);
  const auto& reason = binary->lhs->binding.per_probe;
  ASSERT_EQ(reason.size(), 2u);
  EXPECT_EQ(reason[0].arg_index, 1);  // seed: (result, reason, udpif, ukey)
  EXPECT_EQ(reason[1].arg_index, 3);  // upstream: (udpif, ukey, result, reason)

  // Naming one probe twice is still an error across versions.
  Checked twice("on flow_result, revalidate:flow_result print 1", notes,
                *types);
  EXPECT_FALSE(twice.ok);
  EXPECT_NE(twice.errors().find("probe 'revalidate:flow_result' is named twice"),
            std::string::npos)
      << twice.errors();
}

TEST(CatalogVersions, SemaReportsAProbeNoVersionMatches) {
  auto types = builtin_debug_info();
  UsdtNotes notes = notes_with(
      {note("revalidate", "flow_result", {"8@%rdi 8@%rsi 8@$0 8@%r13"})});
  Checked c("on flow_result print ufid", notes, *types);
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.errors(),
            "<test>:1:4: error: revalidate:flow_result in "
            "/usr/sbin/ovs-vswitchd passes 4 arguments of sizes 8,8,8,8; ovsq "
            "knows udpif (8), ukey (8), result (4), reason (4) (upstream) or "
            "result (4), reason (4), udpif (8), ukey (8) (seed patch v9)\n"
            "on flow_result print ufid\n"
            "   ^~~~~~~~~~~\n");
}

// ---- enumerator meanings ---------------------------------------------------

// Sema types a derived field that is not a flow key as a ufid: a new kind
// of derived field needs its own typing there first.
TEST(CatalogVersions, DerivedFieldsAreUfidsOrFlowKeys) {
  for (const CatalogProbe& probe : ovs_catalog())
    for (const DerivedField& field : probe.derived) {
      SCOPED_TRACE(probe.short_name + " " + field.name);
      if (probe.is_flow_key(field.name)) continue;
      EXPECT_EQ(field.name, "ufid");
      EXPECT_EQ(field.member, "ufid");
    }
}

TEST(EnumeratorMeaning, FlowDelReason) {
  const std::vector<std::pair<const char*, const char*>> expected = {
      {"FDR_NONE", "none"},
      {"FDR_AVOID_CACHING", "cache avoidance flag set"},
      {"FDR_BAD_ODP_FIT", "bad ODP flow fit"},
      {"FDR_FLOW_IDLE", "flow idle timeout"},
      {"FDR_FLOW_LIMIT", "kill-all-flows condition reached"},
      {"FDR_FLOW_WILDCARDED", "flow needs a narrower wildcard mask"},
      {"FDR_NO_OFPROTO", "bridge not found"},
      {"FDR_PURGE", "user requested flow deletion (ovs-appctl revalidator/purge)"},
      {"FDR_TOO_EXPENSIVE", "too expensive to revalidate"},
      {"FDR_UPDATE_FAIL", "datapath update failed"},
      {"FDR_XLATION_ERROR", "flow translation error"},
      {"FDR_FLOW_MISSING_DP", "flow missing from the datapath"},
  };
  for (const auto& [name, meaning] : expected) {
    SCOPED_TRACE(name);
    EXPECT_EQ(enumerator_meaning("flow_del_reason", name), meaning);
    EXPECT_EQ(enumerator_meaning("enum flow_del_reason", name), meaning);
  }
}

TEST(EnumeratorMeaning, OtherEnumsAndUnknownNames) {
  EXPECT_EQ(enumerator_meaning("reval_result", "UKEY_KEEP"), "keep the flow");
  EXPECT_EQ(enumerator_meaning("reval_result", "UKEY_DELETE"), "delete the flow");
  EXPECT_EQ(enumerator_meaning("reval_result", "UKEY_MODIFY"),
            "modify the flow's actions");
  EXPECT_EQ(enumerator_meaning("dpif_upcall_type", "DPIF_UC_MISS"),
            "miss in the flow table");
  EXPECT_EQ(enumerator_meaning("dpif_upcall_type", "DPIF_UC_ACTION"),
            "userspace action (OVS_ACTION_ATTR_USERSPACE)");
  EXPECT_EQ(enumerator_meaning("dpif_upcall_type", "DPIF_N_UC_TYPES"),
            std::nullopt);
  EXPECT_EQ(enumerator_meaning("reval_result", "FDR_PURGE"), std::nullopt);
  EXPECT_EQ(enumerator_meaning("ukey_state", "UKEY_EVICTED"), std::nullopt);
  EXPECT_EQ(enumerator_meaning("flow_del_reason", "FDR_NEW_IN_OVS_9"),
            std::nullopt);
}

// ---- built-in types --------------------------------------------------------

int64_t value_of(TypeRef type, const std::string& name) {
  for (const Enumerator& e : type->enumerators)
    if (e.name == name) return e.value;
  ADD_FAILURE() << name << " not in " << type->name;
  return -1;
}

TEST(BuiltinTypes, EnumsHaveUpstreamValues) {
  auto t = builtin_debug_info();
  TypeRef reason = t->find_type("enum flow_del_reason");
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(reason->kind, TypeKind::Enum);
  EXPECT_EQ(reason->size, 4u);
  EXPECT_EQ(reason->enumerators.size(), 12u);
  EXPECT_EQ(value_of(reason, "FDR_FLOW_IDLE"), 3);
  EXPECT_EQ(value_of(reason, "FDR_PURGE"), 7);
  EXPECT_EQ(value_of(reason, "FDR_TOO_EXPENSIVE"), 8);
  EXPECT_EQ(value_of(reason, "FDR_FLOW_MISSING_DP"), 11);
  EXPECT_EQ(t->find_enumerator("FDR_FLOW_MISSING_DP"), reason);
  TypeRef result = t->find_type("enum reval_result");
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(value_of(result, "UKEY_MODIFY"), 2);
  EXPECT_EQ(t->find_enumerator("UKEY_KEEP"), result);
  TypeRef upcall = t->find_type("enum dpif_upcall_type");
  ASSERT_NE(upcall, nullptr);
  EXPECT_EQ(value_of(upcall, "DPIF_UC_ACTION"), 1);
  EXPECT_EQ(t->find_enumerator("UKEY_EVICTED"), nullptr);
  EXPECT_EQ(t->find_type("enum ukey_state"), nullptr);
  std::vector<std::string> names = t->enumerator_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "DPIF_UC_MISS"), names.end());
}

TEST(BuiltinTypes, UdpifKeyUpToPmdId) {
  auto t = builtin_debug_info();
  TypeRef ukey_ptr = t->find_type("struct udpif_key *");
  ASSERT_NE(ukey_ptr, nullptr);
  ASSERT_EQ(ukey_ptr->kind, TypeKind::Pointer);
  EXPECT_EQ(ukey_ptr->name, "struct udpif_key *");
  TypeRef ukey = ukey_ptr->target;
  EXPECT_EQ(ukey, t->find_type("struct udpif_key"));
  EXPECT_TRUE(ukey->complete);
  EXPECT_TRUE(ukey->partial);
  const std::vector<std::tuple<const char*, uint64_t, const char*>> members = {
      {"cmap_node", 0, "struct cmap_node"},
      {"key", 8, "struct nlattr *"},
      {"key_len", 16, "size_t"},
      {"mask", 24, "struct nlattr *"},
      {"mask_len", 32, "size_t"},
      {"ufid", 40, "ovs_u128"},
      {"ufid_present", 56, "_Bool"},
      {"hash", 60, "uint32_t"},
      {"pmd_id", 64, "unsigned int"},
  };
  for (const auto& [name, offset, type] : members) {
    SCOPED_TRACE(name);
    auto m = ukey->find_member(name);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->offset, offset);
    EXPECT_EQ(m->type->name, type);
  }
  EXPECT_FALSE(ukey->find_member("stats"));
  auto lo = t->find_type("ovs_u128")->find_member("u64");
  ASSERT_TRUE(lo);
  EXPECT_EQ(lo->type->find_member("hi")->offset, 8u);
  EXPECT_EQ(t->find_type("ovs_u128")->size, 16u);
  EXPECT_EQ(t->find_type("ovs_u128")->find_member("u32")->type->count, 4u);
}

TEST(BuiltinTypes, FlowOpsFromUpstreamDpifH) {
  auto t = builtin_debug_info();
  struct Case {
    const char* type;
    uint64_t size, ufid, pmd_id;
  };
  for (const Case& c : {Case{"struct dpif_flow_put", 80, 56, 64},
                        Case{"struct dpif_flow_del", 40, 16, 28},
                        Case{"struct dpif_flow_get", 48, 16, 24}}) {
    SCOPED_TRACE(c.type);
    TypeRef s = t->find_type(c.type);
    ASSERT_NE(s, nullptr);
    EXPECT_FALSE(s->partial);
    EXPECT_EQ(s->size, c.size);
    EXPECT_EQ(s->find_member("key")->offset,
              std::string(c.type) == "struct dpif_flow_put" ? 8u : 0u);
    auto ufid = s->find_member("ufid");
    ASSERT_TRUE(ufid);
    EXPECT_EQ(ufid->offset, c.ufid);
    EXPECT_EQ(ufid->type->kind, TypeKind::Pointer);
    EXPECT_EQ(ufid->type->target, t->find_type("ovs_u128"));
    EXPECT_EQ(s->find_member("pmd_id")->offset, c.pmd_id);
  }
  EXPECT_EQ(t->find_type("struct dpif_flow_put")->find_member("flags")->type,
            t->find_type("enum dpif_flow_put_flags"));
}

TEST(BuiltinTypes, IntegersAndOpaquePointers) {
  auto t = builtin_debug_info();
  struct Case {
    const char* spelling;
    TypeKind kind;
    uint64_t size;
    bool is_signed;
    const char* name;
  };
  for (const Case& c : {
           Case{"uint16_t", TypeKind::Int, 2, false, "uint16_t"},
           Case{"uint32_t", TypeKind::Int, 4, false, "uint32_t"},
           Case{"size_t", TypeKind::Int, 8, false, "size_t"},
           Case{"unsigned int", TypeKind::Int, 4, false, "unsigned int"},
           Case{"unsigned", TypeKind::Int, 4, false, "unsigned int"},
           Case{"int", TypeKind::Int, 4, true, "int"},
           Case{"long long", TypeKind::Int, 8, true, "long long int"},
           Case{"bool", TypeKind::Bool, 1, false, "_Bool"},
           Case{"const char *", TypeKind::Pointer, 8, false, "char *"},
           Case{"const void *", TypeKind::Pointer, 8, false, "void *"},
           Case{"struct ofpbuf *", TypeKind::Pointer, 8, false, "struct ofpbuf *"},
           Case{"const struct nlattr *", TypeKind::Pointer, 8, false,
                "struct nlattr *"},
       }) {
    SCOPED_TRACE(c.spelling);
    TypeRef type = t->find_type(c.spelling);
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(type->kind, c.kind);
    EXPECT_EQ(type->size, c.size);
    EXPECT_EQ(type->is_signed, c.is_signed);
    EXPECT_EQ(type->name, c.name);
  }
  EXPECT_EQ(t->find_type("char")->size, 1u);
  EXPECT_TRUE(t->find_type("char")->is_signed);
  // The typedefs say what they name, as the DWARF's do.
  EXPECT_EQ(t->find_type("size_t")->typedef_of, "long unsigned int");
  EXPECT_EQ(t->find_type("uint16_t")->typedef_of, "short unsigned int");
  EXPECT_EQ(t->find_type("ovs_u128")->typedef_of, "union <anonymous>");
  EXPECT_EQ(t->find_type("unsigned int")->typedef_of, "");
  // Every other struct is declared only.
  TypeRef udpif = t->find_type("struct udpif *")->target;
  EXPECT_EQ(udpif->name, "struct udpif");
  EXPECT_FALSE(udpif->complete);
  EXPECT_EQ(t->find_type("struct udpif *"), t->find_type("struct udpif*"));
  EXPECT_EQ(t->find_type("struct udpif_key **")->target,
            t->find_type("struct udpif_key *"));
  EXPECT_EQ(t->find_type("double"), nullptr);
  EXPECT_EQ(t->find_type("struct"), nullptr);
  // Every catalog argument's type is known.
  for (const CatalogProbe& p : ovs_catalog())
    for (const CatalogArg& a : p.args) {
      SCOPED_TRACE(p.full_name() + " " + a.name);
      TypeRef type = t->find_type(a.c_type);
      ASSERT_NE(type, nullptr);
      EXPECT_EQ(type->kind == TypeKind::Pointer ? 8u : type->size,
                uint64_t(a.size));
    }
}

// type_names: the types with a layout or values, and the typedefs; a
// name find_type has made up meanwhile (an opaque struct, an integer
// spelling) does not join them.
TEST(BuiltinTypes, TypeNames) {
  auto t = builtin_debug_info();
  const std::vector<std::string> expected = {
      "enum dpif_flow_put_flags", "enum dpif_upcall_type",
      "enum flow_del_reason", "enum reval_result",
      "int16_t", "int32_t", "int64_t", "int8_t", "ovs_u128", "size_t",
      "ssize_t", "struct dpif_flow_del", "struct dpif_flow_get",
      "struct dpif_flow_put", "struct udpif_key", "uint16_t", "uint32_t",
      "uint64_t", "uint8_t"};
  EXPECT_EQ(t->type_names(), expected);
  ASSERT_NE(t->find_type("struct nosuch *"), nullptr);
  ASSERT_NE(t->find_type("long long"), nullptr);
  EXPECT_EQ(t->type_names(), expected);
  for (const std::string& name : expected)
    EXPECT_NE(t->find_type(name), nullptr) << name;
  EXPECT_TRUE(is_builtin(*t));
  EXPECT_FALSE(is_builtin(*open_debug_info(sim(), {}).info));
}

TEST(BuiltinTypes, SemaStopsAtTheLastBuiltInMember) {
  auto types = builtin_debug_info();
  UsdtNotes notes = notes_with(
      {note("revalidate", "flow_result", {"8@%rbp 8@%rbx 4@%edx 4@%eax"})});
  Checked ok("on flow_result print ukey->pmd_id, ukey->ufid.u64.lo, ufid",
             notes, *types);
  EXPECT_TRUE(ok.ok) << ok.errors();
  Checked beyond("on flow_result print ukey->stats", notes, *types);
  EXPECT_FALSE(beyond.ok);
  EXPECT_EQ(beyond.errors(),
            "<test>:1:28: error: 'ukey->stats' is a member of struct "
            "udpif_key, whose layout the debug info does not describe\n"
            "on flow_result print ukey->stats\n"
            "                           ^~~~~\n");
  Checked opaque("on flow_result print udpif->dump_seq", notes, *types);
  EXPECT_FALSE(opaque.ok);
  EXPECT_NE(opaque.errors().find("whose layout the debug info does not describe"),
            std::string::npos);
}

// ---- the fallback ----------------------------------------------------------

const char* kUsing =
    "; using ovsq's built-in enum values and layouts of upstream Open "
    "vSwitch, which may not match this build";

TEST(OpenDebugInfo, DwarfWhenThereIsSome) {
  OpenedDebugInfo o = open_debug_info(sim(), {});
  EXPECT_EQ(o.warning, "");
  EXPECT_EQ(o.info->source(), sim());
}

TEST(OpenDebugInfo, BuiltInTypesWithAWarningWithout) {
  std::string bin = sim_nodebug();
  OpenedDebugInfo o = open_debug_info(bin, {});
  EXPECT_EQ(o.warning, "no debug info for " + bin +
                           " (it has no .debug_info, and none was found by "
                           "build-id " +
                           read_usdt_notes(bin).build_id +
                           " under /usr/lib/debug)" + kUsing);
  EXPECT_EQ(o.info->source(), "ovsq's built-in types");
  EXPECT_NE(o.info->find_enumerator("FDR_FLOW_IDLE"), nullptr);

  // DebugInfo::open itself still throws, as NoDebugInfoError.
  try {
    DebugInfo::open(bin, {});
    ADD_FAILURE() << "no error";
  } catch (const NoDebugInfoError& e) {
    EXPECT_EQ(e.binary(), bin);
    EXPECT_EQ(std::string(e.what()), "no debug info for " + bin + ": " +
                                         e.reason() +
                                         "; install its debug symbols or "
                                         "pass --debug-file");
  }
}

TEST(OpenDebugInfo, ABadDebugFileStaysAnError) {
  DebugInfoOptions o;
  o.debug_file = "/nonexistent/x.debug";
  EXPECT_EQ(error_of([&] { open_debug_info(sim_nodebug(), o); }),
            "cannot open /nonexistent/x.debug: No such file or directory");
  o.debug_file = sim_nodebug();
  EXPECT_EQ(error_of([&] { open_debug_info(sim_nodebug(), o); }),
            "no debug info in " + sim_nodebug() +
                " (given by --debug-file): it has no .debug_info");
  // Other errors are not answered with built-in types either.
  EXPECT_EQ(error_of([] { open_debug_info("/nonexistent/ovs-vswitchd", {}); }),
            "cannot open /nonexistent/ovs-vswitchd: No such file or directory");
}

}  // namespace
