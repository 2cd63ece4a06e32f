// session/inspect: `.probes`, `.describe PROBE` and `.type NAME` on the
// sim (tests/sim) and the DWARF fixture (sdt_fixture.c), with and without
// debug info, and on notes built by hand for what the sim does not have.
#include "session/inspect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "probes/catalog.h"
#include "probes/catalog_types.h"
#include "probes/usdt_notes.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::session;
using namespace ovsq::testing;

// `text` with every `path` in it written BIN, so that the expected text
// does not depend on where the build tree is.
std::string with_bin(std::string text, const std::string& path) {
  for (size_t at = text.find(path); at != std::string::npos; at = text.find(path, at))
    text.replace(at, path.size(), "BIN");
  return text;
}

// A note with one location per spec string ("8@%rdi 8@%rsi 4@$0 4@%ecx").
UsdtProbe note(const std::string& provider, const std::string& name,
               const std::vector<std::string>& locations, uint64_t semaphore = 0) {
  UsdtProbe probe{provider, name, {}};
  for (const std::string& specs : locations) {
    UsdtLocation location;
    location.arg_specs = specs;
    location.args = parse_usdt_args(specs);
    location.semaphore = semaphore;
    probe.locations.push_back(location);
  }
  return probe;
}

UsdtNotes notes_with(std::vector<UsdtProbe> probes) {
  UsdtNotes notes;
  notes.path = "/usr/sbin/ovs-vswitchd";
  notes.probes = std::move(probes);
  return notes;
}

class SimInspect : public ::testing::Test {
 protected:
  void SetUp() override {
    notes_ = read_usdt_notes(sim());
    dwarf_ = DebugInfo::open(sim(), {});
  }
  std::string probe(std::string_view name) {
    return with_bin(describe_probe(name, notes_, *dwarf_, sim()), sim());
  }
  UsdtNotes notes_;
  std::unique_ptr<DebugInfo> dwarf_;
};

// ---- .probes ---------------------------------------------------------------

TEST_F(SimInspect, ProbesListsTheCatalogAgainstTheNotes) {
  EXPECT_EQ(with_bin(describe_probes(notes_, sim()), sim()),
            "probe              provider:name                           locations  semaphore\n"
            "flow_result        revalidate:flow_result                          2  no\n"
            "flow_sweep_result  revalidator_sweep__:flow_sweep_result           1  no\n"
            "reval_entry        revalidate_ukey__:entry                         1  no\n"
            "reval_exit         revalidate_ukey__:exit                          1  no\n"
            "start_dump         udpif_revalidator:start_dump                    1  no\n"
            "sweep_done         udpif_revalidator:sweep_done                    1  no\n"
            "upcall             dpif_recv:recv_upcall                           1  no\n"
            "flow_put           dpif_netlink_operate__:op_flow_put              1  no\n"
            "flow_del           dpif_netlink_operate__:op_flow_del              1  no\n"
            "flow_get           dpif_netlink_operate__:op_flow_get              1  no\n"
            "flow_execute       dpif_netlink_operate__:op_flow_execute          1  no\n"
            "run_start          main:run_start                                  1  no\n"
            "poll_block         main:poll_block                                 1  no\n"
            "\n"
            "13 of ovsq's 13 probes are in BIN.\n");
}

TEST(Probes, SemaphoresOfTheSemaphoreBuild) {
  std::string text = describe_probes(read_usdt_notes(sim_sema()), sim_sema());
  EXPECT_NE(text.find("flow_result        revalidate:flow_result                          2  yes\n"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("  no\n"), std::string::npos) << text;
}

// What the sim cannot show: a probe missing, another argument order, one
// that matches no order, and a probe the catalog does not know.
TEST(Probes, MissingOtherOrderUnmatchedAndUnknown) {
  UsdtNotes notes = notes_with({
      note("revalidate", "flow_result", {"4@%r12d 4@%r13d 8@%rbp 8@%rbx"}, 0x1234),
      note("revalidator_sweep__", "flow_sweep_result", {"8@%rbp 8@%rbx 8@%rdx 8@%rax"}),
      note("main", "run_start", {"", ""}),
      note("dpif_netlink", "recv_batch", {"8@%rdi"}),
  });
  EXPECT_EQ(describe_probes(notes, notes.path),
            "probe              provider:name                           locations  semaphore\n"
            "flow_result        revalidate:flow_result                          1  yes        (seed patch v9 argument order)\n"
            "flow_sweep_result  revalidator_sweep__:flow_sweep_result           1  no         (no argument order ovsq knows: see .describe)\n"
            "reval_entry        revalidate_ukey__:entry                         -  -          (not in this binary)\n"
            "reval_exit         revalidate_ukey__:exit                          -  -          (not in this binary)\n"
            "start_dump         udpif_revalidator:start_dump                    -  -          (not in this binary)\n"
            "sweep_done         udpif_revalidator:sweep_done                    -  -          (not in this binary)\n"
            "upcall             dpif_recv:recv_upcall                           -  -          (not in this binary)\n"
            "flow_put           dpif_netlink_operate__:op_flow_put              -  -          (not in this binary)\n"
            "flow_del           dpif_netlink_operate__:op_flow_del              -  -          (not in this binary)\n"
            "flow_get           dpif_netlink_operate__:op_flow_get              -  -          (not in this binary)\n"
            "flow_execute       dpif_netlink_operate__:op_flow_execute          -  -          (not in this binary)\n"
            "run_start          main:run_start                                  2  no\n"
            "poll_block         main:poll_block                                 -  -          (not in this binary)\n"
            "-                  dpif_netlink:recv_batch                         1  no         (not in ovsq's catalog)\n"
            "\n"
            "3 of ovsq's 13 probes are in /usr/sbin/ovs-vswitchd, with 1 probe ovsq "
            "does not know.\n");
}

// ---- .describe -------------------------------------------------------------

TEST_F(SimInspect, DescribeFlowResult) {
  EXPECT_EQ(probe("flow_result"),
            "flow_result (revalidate:flow_result)\n"
            "  2 locations in BIN, no semaphore, upstream argument order\n"
            "\n"
            "field   C type                from\n"
            "udpif   struct udpif *        argument 1\n"
            "ukey    struct udpif_key *    argument 2\n"
            "result  enum reval_result     argument 3\n"
            "    0  UKEY_KEEP    keep the flow\n"
            "    1  UKEY_DELETE  delete the flow\n"
            "    2  UKEY_MODIFY  modify the flow's actions\n"
            "reason  enum flow_del_reason  argument 4, also called del_reason\n"
            "     0  FDR_NONE             none\n"
            "     1  FDR_AVOID_CACHING    cache avoidance flag set\n"
            "     2  FDR_BAD_ODP_FIT      bad ODP flow fit\n"
            "     3  FDR_FLOW_IDLE        flow idle timeout\n"
            "     4  FDR_FLOW_LIMIT       kill-all-flows condition reached\n"
            "     5  FDR_FLOW_WILDCARDED  flow needs a narrower wildcard mask\n"
            "     6  FDR_NO_OFPROTO       bridge not found\n"
            "     7  FDR_PURGE            user requested flow deletion (ovs-appctl revalidator/purge)\n"
            "     8  FDR_TOO_EXPENSIVE    too expensive to revalidate\n"
            "     9  FDR_UPDATE_FAIL      datapath update failed\n"
            "    10  FDR_XLATION_ERROR    flow translation error\n"
            "    11  FDR_FLOW_MISSING_DP  flow missing from the datapath\n"
            "ufid    ovs_u128              ukey->ufid\n"
            "key     struct nlattr *       ukey->key, ukey->key_len bytes: a flow key (.help keys)\n"
      "flow    struct nlattr *       ukey->key under ukey->mask: the flow's match, as dpctl/dump-flows prints it\n"
            "\n"
            "builtins, on every probe: now, walltime, pid, tid, uid, comm, cpu, probe (.help builtins)\n");
  EXPECT_EQ(probe("revalidate:flow_result"), probe("flow_result"));
}

// Every enumerator of the sim's DWARF, with its value and the catalog's
// meaning: an enumerator added to the sim or the catalog shows up.
TEST_F(SimInspect, DescribeListsEveryEnumeratorWithItsMeaning) {
  for (const char* name : {"flow_result", "flow_sweep_result", "reval_exit", "upcall"}) {
    SCOPED_TRACE(name);
    const CatalogProbe& catalog = *find_catalog_probe(name);
    std::string text = probe(name);
    for (const CatalogArg& arg : catalog.args) {
      TypeRef type = dwarf_->find_type(arg.c_type);
      if (type->kind != TypeKind::Enum) continue;
      ASSERT_FALSE(type->enumerators.empty()) << arg.c_type;
      for (const Enumerator& e : type->enumerators) {
        std::optional<std::string> meaning = enumerator_meaning(type->name, e.name);
        std::string value = std::to_string(e.value);
        size_t at = text.find("  " + value + "  " + e.name);
        ASSERT_NE(at, std::string::npos) << e.name << " in\n" << text;
        std::string line = text.substr(at, text.find('\n', at) - at);
        if (meaning) {
          EXPECT_TRUE(line.ends_with("  " + *meaning)) << line;
        }
      }
    }
  }
  // The one value without a meaning stands alone.
  EXPECT_NE(probe("upcall").find("    2  DPIF_N_UC_TYPES\n"), std::string::npos);
}

TEST_F(SimInspect, DescribeFlowKeysPointerUfidsAndNoFields) {
  EXPECT_EQ(probe("upcall"),
            "upcall (dpif_recv:recv_upcall)\n"
            "  1 location in BIN, no semaphore, upstream argument order\n"
            "\n"
            "field       C type                 from\n"
            "dpif_name   char *                 argument 1\n"
            "type        enum dpif_upcall_type  argument 2\n"
            "    0  DPIF_UC_MISS     miss in the flow table\n"
            "    1  DPIF_UC_ACTION   userspace action (OVS_ACTION_ATTR_USERSPACE)\n"
            "    2  DPIF_N_UC_TYPES\n"
            "packet      void *                 argument 3\n"
            "packet_len  uint32_t               argument 4\n"
            "key         struct nlattr *        argument 5, key_len bytes: a flow key (.help keys)\n"
            "key_len     size_t                 argument 6\n"
            "\n"
            "builtins, on every probe: now, walltime, pid, tid, uid, comm, cpu, probe (.help builtins)\n");
  std::string put = probe("flow_put");
  EXPECT_NE(put.find("\nufid     ovs_u128                    *put->ufid\n"), std::string::npos) << put;
  EXPECT_NE(put.find("\nkey      struct nlattr *             put->key, put->key_len bytes"),
            std::string::npos) << put;
  EXPECT_EQ(probe("run_start"),
            "run_start (main:run_start)\n"
            "  1 location in BIN, no semaphore, upstream argument order\n"
            "\n"
            "no fields: only the builtins\n"
            "\n"
            "builtins, on every probe: now, walltime, pid, tid, uid, comm, cpu, probe (.help builtins)\n");
}

TEST_F(SimInspect, DescribeUnknownProbes) {
  EXPECT_EQ(error_of([&] { probe("flow_reslt"); }),
            "unknown probe 'flow_reslt'; did you mean 'flow_result'?");
  EXPECT_EQ(error_of([&] { probe("revalidate:flow_reslt"); }),
            "unknown probe 'revalidate:flow_reslt'; did you mean 'revalidate:flow_result'?");
  EXPECT_EQ(error_of([&] { probe("zzz"); }), "unknown probe 'zzz'");
  UsdtNotes notes = notes_with({note("dpif_netlink", "recv_batch", {"8@%rdi"})});
  EXPECT_EQ(error_of([&] { describe_probe("dpif_netlink:recv_batch", notes, *dwarf_, notes.path); }),
            "unknown probe 'dpif_netlink:recv_batch': /usr/sbin/ovs-vswitchd has it, "
            "but ovsq's catalog does not describe its arguments");
}

// Another order is described in that order; a probe that matches none,
// or is missing, is described as upstream passes it, saying so.
TEST_F(SimInspect, DescribeOtherOrdersAndMissingProbes) {
  UsdtNotes notes = notes_with({
      note("revalidate", "flow_result", {"4@%r12d 4@%r13d 8@%rbp 8@%rbx"}, 0x1234),
      note("revalidator_sweep__", "flow_sweep_result", {"8@%rbp 8@%rbx 8@%rdx 8@%rax"}),
  });
  std::string seed = describe_probe("flow_result", notes, *dwarf_, notes.path);
  EXPECT_TRUE(seed.starts_with(
      "flow_result (revalidate:flow_result)\n"
      "  1 location in /usr/sbin/ovs-vswitchd, with a semaphore, seed patch v9 argument order\n"
      "\n"
      "field   C type                from\n"
      "result  enum reval_result     argument 1\n")) << seed;
  EXPECT_NE(seed.find("\nudpif   struct udpif *        argument 3\n"), std::string::npos) << seed;

  std::string odd = describe_probe("flow_sweep_result", notes, *dwarf_, notes.path);
  EXPECT_TRUE(odd.starts_with(
      "flow_sweep_result (revalidator_sweep__:flow_sweep_result)\n"
      "  1 location in /usr/sbin/ovs-vswitchd, no semaphore\n"
      "  revalidator_sweep__:flow_sweep_result in /usr/sbin/ovs-vswitchd passes 4 "
      "arguments of sizes 8,8,8,8; ovsq knows udpif (8), ukey (8), result (4), "
      "reason (4) (upstream) or result (4), reason (4), udpif (8), ukey (8) (seed "
      "patch v9)\n"
      "  its fields as upstream passes them:\n"
      "\n"
      "field   C type                from\n"
      "udpif   struct udpif *        argument 1\n")) << odd;

  std::string missing = describe_probe("sweep_done", notes, *dwarf_, notes.path);
  EXPECT_EQ(missing,
            "sweep_done (udpif_revalidator:sweep_done)\n"
            "  not in /usr/sbin/ovs-vswitchd; its fields as upstream passes them:\n"
            "\n"
            "field        C type          from\n"
            "udpif        struct udpif *  argument 1\n"
            "n_flows      size_t          argument 2\n"
            "max_idle_ms  unsigned int    argument 3\n"
            "\n"
            "builtins, on every probe: now, walltime, pid, tid, uid, comm, cpu, probe (.help builtins)\n");
}

// Without debug info the types and values are the built-in ones.
TEST(Describe, WithTheBuiltInTypes) {
  UsdtNotes notes = read_usdt_notes(sim_nodebug());
  std::unique_ptr<DebugInfo> builtin = builtin_debug_info();
  std::string text = with_bin(describe_probe("flow_del", notes, *builtin, sim_nodebug()),
                              sim_nodebug());
  EXPECT_EQ(text,
            "flow_del (dpif_netlink_operate__:op_flow_del)\n"
            "  1 location in BIN, no semaphore, upstream argument order\n"
            "\n"
            "field    C type                      from\n"
            "dpif     struct dpif_netlink *       argument 1\n"
            "del      struct dpif_flow_del *      argument 2\n"
            "flow     struct dpif_netlink_flow *  argument 3\n"
            "request  struct ofpbuf *             argument 4\n"
            "ufid     ovs_u128                    *del->ufid\n"
            "key      struct nlattr *             del->key, del->key_len bytes: a flow key (.help keys)\n"
            "\n"
            "builtins, on every probe: now, walltime, pid, tid, uid, comm, cpu, probe (.help builtins)\n");
  EXPECT_NE(describe_probe("flow_result", notes, *builtin, sim_nodebug())
                .find("    11  FDR_FLOW_MISSING_DP  flow missing from the datapath\n"),
            std::string::npos);
}

}  // namespace
