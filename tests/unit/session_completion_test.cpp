// session/completion: candidates at each kind of cursor position, against
// the sim's notes and DWARF (tests/sim/README.md).
#include "session/completion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "probes_test_util.h"

namespace {

using namespace ovsq::session;
using ovsq::probes::DebugInfo;
using ovsq::probes::Type;
using ovsq::probes::TypeKind;
using ovsq::probes::TypeRef;
using ovsq::probes::UsdtNotes;
using Names = std::vector<std::string>;
using ArgKind = CompletionContext::ArgKind;

// The words every operand position offers besides the clause's fields.
const Names kBuiltinsAndFunctions = {"comm", "cpu", "meaning", "not", "now",     "pid",
                                     "probe", "str", "tid",     "uid", "walltime"};
const Names kStatementKeywords = {"avg", "count", "delete", "exit",   "hist",  "lhist",
                                  "max", "min",   "print",  "printf", "stats", "sum"};
const Names kTopKeywords = {"begin", "end", "every", "for", "limit", "on"};

Names sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}
Names joined(Names a, const Names& b) {
  a.insert(a.end(), b.begin(), b.end());
  return sorted(a);
}
bool has(const Names& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A DebugInfo whose types and type names the test chooses.
class FakeDebugInfo : public DebugInfo {
 public:
  std::map<std::string, TypeRef, std::less<>> types;
  Names names;

  const std::string& source() const override { return source_; }
  TypeRef find_type(std::string_view spelling) override {
    auto it = types.find(spelling);
    return it == types.end() ? nullptr : it->second;
  }
  TypeRef find_enumerator(std::string_view) override { return nullptr; }
  Names enumerator_names() override { return {}; }
  Names type_names() override { return names; }

 private:
  std::string source_ = "fake";
};

class CompletionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    notes_ = new UsdtNotes(ovsq::probes::read_usdt_notes(ovsq::testing::sim()));
    debug_info_ = DebugInfo::open(ovsq::testing::sim(), {}).release();
  }
  static void TearDownTestSuite() {
    delete notes_;
    delete debug_info_;
  }
  void SetUp() override {
    context_.notes = notes_;
    context_.debug_info = debug_info_;
    context_.commands = {{"describe", ArgKind::Probe}, {"type", ArgKind::Type},
                         {"help", ArgKind::HelpTopic}, {"set", ArgKind::Setting},
                         {"kill", ArgKind::Job},       {"load", ArgKind::File},
                         {"quit", ArgKind::None},      {"probes", ArgKind::None}};
    context_.help_topics = {"statements", "builtins", "functions", "keys"};
    context_.settings = {"format", "output"};
    context_.job_numbers = {"1", "3", "12"};
  }
  Names candidates(std::string_view text) { return complete(text, context_).candidates; }
  size_t start(std::string_view text) { return complete(text, context_).start; }

  static UsdtNotes* notes_;
  static DebugInfo* debug_info_;
  CompletionContext context_;
};
UsdtNotes* CompletionTest::notes_ = nullptr;
DebugInfo* CompletionTest::debug_info_ = nullptr;

TEST_F(CompletionTest, ProbeNamesAfterOn) {
  EXPECT_EQ(candidates("on flow_"), (Names{"flow_del", "flow_execute", "flow_get",
                                          "flow_put", "flow_result", "flow_sweep_result"}));
  EXPECT_EQ(start("on flow_"), 3u);
  EXPECT_EQ(candidates("on ").size(), 13u);
  EXPECT_EQ(candidates("on\n  re"), (Names{"reval_entry", "reval_exit"}));
}

TEST_F(CompletionTest, ProbeNamesAfterCommaLeaveOutTheListedOnes) {
  EXPECT_EQ(candidates("on flow_result, flow_s"), (Names{"flow_sweep_result"}));
  EXPECT_EQ(candidates("on flow_result,flow_"),
            (Names{"flow_del", "flow_execute", "flow_get", "flow_put", "flow_sweep_result"}));
  EXPECT_EQ(candidates("on revalidate:flow_result, flow_r"), Names{});
}

TEST_F(CompletionTest, ProviderAndNameOnceAColonIsTyped) {
  EXPECT_EQ(candidates("on revalidate:fl"), (Names{"revalidate:flow_result"}));
  EXPECT_EQ(start("on revalidate:fl"), 3u);
  EXPECT_EQ(candidates("on dpif_netlink_operate__:op_flow_"),
            (Names{"dpif_netlink_operate__:op_flow_del", "dpif_netlink_operate__:op_flow_execute",
                   "dpif_netlink_operate__:op_flow_get", "dpif_netlink_operate__:op_flow_put"}));
}

TEST_F(CompletionTest, ProbeTheBinaryLacksIsNeverOffered) {
  UsdtNotes fewer = *notes_;
  std::erase_if(fewer.probes,
                [](const auto& p) { return p.full_name() == "revalidate:flow_result"; });
  context_.notes = &fewer;
  EXPECT_EQ(candidates("on flow_r"), Names{});
  EXPECT_FALSE(has(candidates("on "), "flow_result"));
  EXPECT_EQ(candidates("on flow_sw"), (Names{"flow_sweep_result"}));
  EXPECT_EQ(candidates(".describe flow_r"), Names{});
  // Nor its fields: the clause has no probe the binary knows.
  EXPECT_EQ(candidates("on flow_result where rea"), Names{});
  context_.notes = nullptr;
  EXPECT_EQ(candidates("on "), Names{});
}

TEST_F(CompletionTest, FieldsInWhere) {
  EXPECT_EQ(candidates("on flow_result where rea"), (Names{"reason"}));
  EXPECT_EQ(start("on flow_result where rea"), 21u);
  EXPECT_EQ(candidates("on flow_result where result == UKEY_DELETE && uk"), (Names{"ukey"}));
  EXPECT_EQ(candidates("on start_dump where n_"), (Names{"n_flows"}));
}

TEST_F(CompletionTest, FieldsBuiltinsAndFunctionsInPrint) {
  EXPECT_EQ(candidates("on flow_result print "),
            joined({"del_reason", "flow", "key", "reason", "result", "udpif", "ufid", "ukey"},
                   kBuiltinsAndFunctions));
  EXPECT_EQ(candidates("on flow_result print ufid, c"), (Names{"comm", "cpu"}));
  EXPECT_EQ(candidates("on upcall count by t"), (Names{"tid", "type"}));
  EXPECT_EQ(candidates("on upcall where str(dpif_"), (Names{"dpif_name"}));
  EXPECT_EQ(candidates("on flow_result printf(\"%s\\n\", meaning(rea"), (Names{"reason"}));
  EXPECT_EQ(candidates("begin print "), kBuiltinsAndFunctions);
}

TEST_F(CompletionTest, SeveralProbesOfferTheSharedFieldsOnly) {
  EXPECT_EQ(candidates("on flow_result, flow_sweep_result print "),
            joined({"del_reason", "flow", "key", "reason", "result", "udpif", "ufid", "ukey"},
                   kBuiltinsAndFunctions));
  EXPECT_EQ(candidates("on flow_result, flow_put print "),
            joined({"key", "ufid"}, kBuiltinsAndFunctions));
  // upcall passes its key as an argument, flow_result derives it: both
  // are flow keys.
  EXPECT_EQ(candidates("on flow_result, upcall print "), joined({"key"}, kBuiltinsAndFunctions));
  EXPECT_EQ(candidates("on flow_result, upcall print key.eth."), (Names{"dst", "src"}));
}

TEST_F(CompletionTest, MembersFromTheDwarf) {
  Names members = candidates("on flow_result print ukey->");
  EXPECT_TRUE(has(members, "ufid"));
  EXPECT_TRUE(has(members, "key"));
  EXPECT_TRUE(has(members, "stats"));
  EXPECT_EQ(start("on flow_result print ukey->"), 27u);
  EXPECT_EQ(candidates("on flow_result print ukey->stats."),
            (Names{"n_bytes", "n_packets", "tcp_flags", "used"}));
  EXPECT_EQ(candidates("on flow_result where ukey -> stats . n_p"), (Names{"n_packets"}));
  EXPECT_EQ(candidates("on flow_put print put->key_"), (Names{"key_len"}));
  // Only what sema accepts: `.` on a pointer, `->` on a struct, members of
  // an enum, a ufid or a declared-only struct are not there.
  EXPECT_EQ(candidates("on flow_result print ukey."), Names{});
  EXPECT_EQ(candidates("on flow_result print ukey->stats->"), Names{});
  EXPECT_EQ(candidates("on flow_result print reason->"), Names{});
  EXPECT_EQ(candidates("on flow_result print ufid."), Names{});
  EXPECT_EQ(candidates("on reval_entry print recircs->"), Names{});
  EXPECT_EQ(candidates("on flow_result print (ukey)->"), Names{});
}

TEST_F(CompletionTest, NoBitFieldMembers) {
  auto type = [](TypeKind kind, const char* name, uint64_t size) {
    Type t;
    t.kind = kind;
    t.name = name;
    t.size = size;
    return t;
  };
  Type u32 = type(TypeKind::Int, "uint32_t", 4);
  Type ukey = type(TypeKind::Struct, "struct udpif_key", 8);
  ukey.members = {{"hash", 0, &u32, 0, 0}, {"flags", 4, &u32, 3, 0}, {"kind", 4, &u32, 5, 3}};
  Type pointer = type(TypeKind::Pointer, "struct udpif_key *", 8);
  pointer.target = &ukey;
  FakeDebugInfo fake;
  fake.types = {{"struct udpif_key *", &pointer}};
  context_.debug_info = &fake;
  EXPECT_EQ(candidates("on flow_result print ukey->"), (Names{"hash"}));
}

TEST_F(CompletionTest, WithoutDebugInfoNoMembersButTheFlowKey) {
  context_.debug_info = nullptr;
  EXPECT_EQ(candidates("on flow_result print ukey->"), Names{});
  EXPECT_EQ(candidates("on flow_result where reason == FDR_F"), Names{});
  EXPECT_EQ(candidates("on flow_result print key.ipv4.s"), (Names{"src"}));
  EXPECT_EQ(candidates("on flow_result where rea"), (Names{"reason"}));
}

TEST_F(CompletionTest, FlowKeyAttributesThenTheirFields) {
  EXPECT_EQ(candidates("on flow_result print key.ipv"), (Names{"ipv4", "ipv6"}));
  EXPECT_EQ(candidates("on flow_result print key.ipv4."),
            (Names{"dst", "frag", "proto", "src", "tos", "ttl"}));
  EXPECT_EQ(candidates("on upcall count by key.tcp"), (Names{"tcp", "tcp_flags"}));
  EXPECT_EQ(candidates("on flow_result print key.in_port."), Names{});
  EXPECT_EQ(candidates("on flow_result print key->"), Names{});
  EXPECT_EQ(candidates("on start_dump print key."), Names{});
}

TEST_F(CompletionTest, EnumNamesAfterAComparison) {
  EXPECT_EQ(candidates("on flow_result where reason == FDR_F"),
            (Names{"FDR_FLOW_IDLE", "FDR_FLOW_LIMIT", "FDR_FLOW_MISSING_DP",
                   "FDR_FLOW_WILDCARDED"}));
  EXPECT_EQ(start("on flow_result where reason == FDR_F"), 31u);
  // The compared enum's names only: ukey_state's UKEY_ names are not
  // reval_result's.
  EXPECT_EQ(candidates("on flow_result where result != "),
            (Names{"UKEY_DELETE", "UKEY_KEEP", "UKEY_MODIFY"}));
  EXPECT_EQ(candidates("on flow_result where ukey->state >= UKEY_E"),
            (Names{"UKEY_EVICTED", "UKEY_EVICTING"}));
  EXPECT_EQ(candidates("on upcall where type==DPIF_UC_"),
            (Names{"DPIF_UC_ACTION", "DPIF_UC_MISS"}));
  // Not an enum, or no enumerator fits: the operands.
  EXPECT_EQ(candidates("on flow_result where reason != del_"), (Names{"del_reason"}));
  EXPECT_EQ(candidates("on start_dump where n_flows > n_"), (Names{"n_flows"}));
  EXPECT_EQ(candidates("on flow_result where FDR_FLOW_I"), (Names{"FDR_FLOW_IDLE"}));
}

TEST_F(CompletionTest, Keywords) {
  EXPECT_EQ(candidates(""), kTopKeywords);
  EXPECT_EQ(candidates("on flow_result "), joined(kStatementKeywords, {"where"}));
  EXPECT_EQ(candidates("on flow_put { @born[ufid] = now }\non flow_result "),
            joined(kStatementKeywords, {"@born", "where"}));
  EXPECT_EQ(candidates("on flow_result w"), (Names{"where"}));
  EXPECT_EQ(candidates("on flow_result where reason == FDR_FLOW_IDLE pri"),
            (Names{"print", "printf"}));
  EXPECT_EQ(candidates("on flow_result print ufid "),
            joined(kTopKeywords, {"and", "as", "or"}));
  EXPECT_EQ(candidates("on flow_result { count b"), (Names{"by"}));
  EXPECT_EQ(candidates("on flow_result { count by reason; "), kStatementKeywords);
  EXPECT_EQ(candidates("on flow_result { exit }\n"), kTopKeywords);
  EXPECT_EQ(candidates("for 10s\nb"), (Names{"begin"}));
}

TEST_F(CompletionTest, NothingInsideStringsCommentsAndNumbers) {
  EXPECT_EQ(candidates("on flow_result printf(\"%s uk"), Names{});
  EXPECT_EQ(candidates("on flow_result # print uk"), Names{});
  EXPECT_EQ(candidates("on flow_result print ufid as uf"), Names{});
  EXPECT_EQ(candidates("on flow_result where ufid == ufid:ab"), Names{});
  EXPECT_EQ(candidates("every 10m"), Names{});
  EXPECT_EQ(candidates("on flow_result printf("), Names{});
  // A comment ended by its line is no longer in the way.
  EXPECT_EQ(candidates("on flow_result # the \"idle\" ones\nwhere rea"), (Names{"reason"}));
}

TEST_F(CompletionTest, MapsNamedEarlier) {
  const std::string program =
      "on flow_put { @born[ufid] = now }\n"
      "on flow_result where @born[ufid] {\n"
      "  @age[reason] = ";
  EXPECT_EQ(candidates(program + "c"), (Names{"comm", "count", "cpu"}));
  EXPECT_EQ(candidates(program + "now - @b"), (Names{"@born"}));
  EXPECT_EQ(start(program + "now - @b"), program.size() + 6);
  EXPECT_EQ(candidates(program + "now; delete "), (Names{"@age", "@born"}));
  EXPECT_EQ(candidates(program + "now; @"), (Names{"@age", "@born"}));
  EXPECT_EQ(candidates(program + "now\n  "),
            joined(kStatementKeywords, {"@age", "@born", "and", "or"}));
  EXPECT_EQ(candidates("on flow_put @"), (Names{}));
  EXPECT_EQ(candidates("on flow_put { @born[ufid] = now }\non flow_result @b"), (Names{"@born"}));
}

TEST_F(CompletionTest, ClauseBegunOnAnEarlierLine) {
  const std::string program =
      "on flow_result, flow_sweep_result\n"
      "  where reason == FDR_FLOW_IDLE\n"
      "{\n"
      "  count by probe\n"
      "  print uk";
  EXPECT_EQ(candidates(program), (Names{"ukey"}));
  EXPECT_EQ(start(program), program.size() - 2);
  EXPECT_EQ(candidates("on flow_put print ufid\non flow_result\n  where res"), (Names{"result"}));
  EXPECT_EQ(candidates("on flow_put print ufid\non flow_result\n  where ukey->stats.u"),
            (Names{"used"}));
  // The clause is the last one: flow_put's fields are not flow_result's.
  EXPECT_EQ(candidates("on flow_put print ufid\non flow_result print pu"), Names{});
}

TEST_F(CompletionTest, DotCommands) {
  EXPECT_EQ(candidates(".de"), (Names{".describe"}));
  EXPECT_EQ(start(".de"), 0u);
  EXPECT_EQ(candidates(".").size(), context_.commands.size());
  EXPECT_EQ(candidates(".p"), (Names{".probes"}));
  EXPECT_EQ(candidates("on flow_result print ufid\n  .q"), (Names{".quit"}));
  EXPECT_EQ(start("on flow_result print ufid\n  .q"), 28u);
}

TEST_F(CompletionTest, DotCommandArguments) {
  EXPECT_EQ(candidates(".describe flow_r"), (Names{"flow_result"}));
  EXPECT_EQ(start(".describe flow_r"), 10u);
  EXPECT_EQ(candidates(".describe   revalidate:"), (Names{"revalidate:flow_result"}));
  EXPECT_EQ(candidates(".help "), (Names{"builtins", "functions", "keys", "statements"}));
  EXPECT_EQ(candidates(".help k"), (Names{"keys"}));
  EXPECT_EQ(candidates(".set f"), (Names{"format"}));
  EXPECT_EQ(candidates(".set format j"), Names{});
  EXPECT_EQ(candidates(".kill 1"), (Names{"1", "12"}));
  EXPECT_EQ(candidates(".quit "), Names{});
  EXPECT_EQ(candidates(".nosuch f"), Names{});
  Completion file = complete(".load ex", context_);
  EXPECT_TRUE(file.filenames);
  EXPECT_EQ(file.start, 6u);
  EXPECT_EQ(file.candidates, Names{});
  EXPECT_FALSE(complete(".describe ", context_).filenames);
}

TEST_F(CompletionTest, TypeNamesForDotType) {
  FakeDebugInfo types;
  types.names = {"enum flow_del_reason", "enum reval_result", "ovs_u128", "struct udpif_key",
                 "union ovs_u128"};
  context_.debug_info = &types;
  EXPECT_EQ(candidates(".type "), (Names{"enum flow_del_reason", "enum reval_result", "ovs_u128",
                                         "struct udpif_key", "union ovs_u128"}));
  EXPECT_EQ(candidates(".type struct u"), (Names{"struct udpif_key"}));
  EXPECT_EQ(start(".type struct u"), 6u);
  EXPECT_EQ(candidates(".type udp"), (Names{"udpif_key"}));
  EXPECT_EQ(candidates(".type ovs"), (Names{"ovs_u128"}));
  EXPECT_EQ(candidates(".type enum r"), (Names{"enum reval_result"}));
}

}  // namespace
