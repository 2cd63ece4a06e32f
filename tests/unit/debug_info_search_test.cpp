// probes/debug_info: where the DWARF is found (the binary, --debug-file,
// build-id, .gnu_debuglink), the errors when it is not, and the types of
// tests/sim, which models ovs-vswitchd's.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "probes/debug_info.h"
#include "probes/usdt_notes.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::testing;
namespace fs = std::filesystem;

std::string build_id(const std::string& path) {
  return read_usdt_notes(path).build_id;
}

std::string build_id_path(const std::string& dir, const std::string& id) {
  return dir + "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
}

// A stripped fixture copied alone into a temporary directory, where no
// debug file is next to it; `debug` is an empty debug directory.
struct LoneStripped {
  TempDir bin, debug;
  std::string path;
  std::string bindir;
  LoneStripped() {
    bindir = fs::canonical(bin.path).string();
    path = bindir + "/sdt_fixture.stripped";
    fs::copy_file(fixture_stripped(), path);
  }
  DebugInfoOptions options() const {
    DebugInfoOptions o;
    o.debug_dirs = {debug.path.string()};
    return o;
  }
  // Puts a copy of `file` at `dest`, making its directories.
  static void place(const std::string& file, const std::string& dest) {
    fs::create_directories(fs::path(dest).parent_path());
    fs::copy_file(file, dest);
  }
};

TEST(DebugInfoSearch, BinaryItself) {
  EXPECT_EQ(DebugInfo::open(fixture(), {})->source(), fixture());
}

TEST(DebugInfoSearch, DebuglinkNextToBinary) {
  DebugInfoOptions none;
  none.debug_dirs = {};
  auto info = DebugInfo::open(fixture_stripped(), none);
  EXPECT_TRUE(fs::equivalent(info->source(), fixture_debug()));
  ASSERT_NE(info->find_type("struct fx_key"), nullptr);
  EXPECT_EQ(info->find_type("struct fx_key")->size, 168u);
}

TEST(DebugInfoSearch, ByBuildId) {
  LoneStripped s;
  std::string want = build_id_path(s.debug.path.string(), build_id(s.path));
  LoneStripped::place(fixture_debug(), want);
  DebugInfoOptions o = s.options();
  o.debug_dirs.insert(o.debug_dirs.begin(), "/nonexistent");
  auto info = DebugInfo::open(s.path, o);
  EXPECT_EQ(info->source(), want);
  EXPECT_EQ(info->find_type("fx_u128")->size, 16u);
}

TEST(DebugInfoSearch, DebuglinkInDotDebugAndDebugDir) {
  {
    LoneStripped s;
    std::string want = s.bindir + "/.debug/sdt_fixture.debug";
    LoneStripped::place(fixture_debug(), want);
    EXPECT_EQ(DebugInfo::open(s.path, s.options())->source(), want);
  }
  {
    LoneStripped s;
    std::string want = s.debug.path.string() + s.bindir + "/sdt_fixture.debug";
    LoneStripped::place(fixture_debug(), want);
    EXPECT_EQ(DebugInfo::open(s.path, s.options())->source(), want);
  }
}

TEST(DebugInfoSearch, NotFoundSaysWhereItLooked) {
  LoneStripped s;
  // A debuglink target from another build (another build-id) is skipped.
  LoneStripped::place(fixture_nopie(), s.bindir + "/sdt_fixture.debug");
  std::string dbg = s.debug.path.string();
  EXPECT_EQ(error_of([&] { DebugInfo::open(s.path, s.options()); }),
            "no debug info for " + s.path +
                ": it has no .debug_info, and none was found by build-id " +
                build_id(s.path) + " under " + dbg +
                ", nor by its .gnu_debuglink sdt_fixture.debug in " + s.bindir +
                ", " + s.bindir + "/.debug, " + dbg + s.bindir +
                "; install its debug symbols or pass --debug-file");
}

TEST(DebugInfoSearch, NoDebugBinary) {
  std::string bin = sim_nodebug();
  EXPECT_EQ(error_of([&] { DebugInfo::open(bin, {}); }),
            "no debug info for " + bin +
                ": it has no .debug_info, and none was found by build-id " +
                build_id(bin) +
                " under /usr/lib/debug; install its debug symbols or pass "
                "--debug-file");
}

TEST(DebugInfoSearch, ExplicitDebugFile) {
  LoneStripped s;
  DebugInfoOptions o = s.options();
  o.debug_file = fixture_debug();
  EXPECT_EQ(DebugInfo::open(s.path, o)->source(), fixture_debug());

  o.debug_file = "/nonexistent/x.debug";
  EXPECT_EQ(error_of([&] { DebugInfo::open(s.path, o); }),
            "cannot open /nonexistent/x.debug: No such file or directory");
  o.debug_file = s.path;
  EXPECT_EQ(error_of([&] { DebugInfo::open(fixture(), o); }),
            "no debug info in " + s.path +
                " (given by --debug-file): it has no .debug_info");
  o.debug_file = fixture_nopie();
  EXPECT_EQ(error_of([&] { DebugInfo::open(fixture(), o); }),
            fixture_nopie() + " is not the debug info of " + fixture() +
                ": its build-id is " + build_id(fixture_nopie()) +
                ", the binary's is " + build_id(fixture()));
}

TEST(DebugInfoSearch, MissingBinary) {
  EXPECT_EQ(error_of([] { DebugInfo::open("/nonexistent/ovs-vswitchd", {}); }),
            "cannot open /nonexistent/ovs-vswitchd: No such file or directory");
  std::string source = std::string(OVSQ_SOURCE_ROOT) + "/tests/unit/sdt_fixture.c";
  EXPECT_EQ(error_of([&] { DebugInfo::open(source, {}); }),
            source + " is not an ELF file");
}

// ---- tests/sim ---------------------------------------------------------------

class SimTypes : public ::testing::Test {
 protected:
  void SetUp() override { info_ = DebugInfo::open(sim(), {}); }
  std::unique_ptr<DebugInfo> info_;
};

TEST_F(SimTypes, UdpifKey) {
  TypeRef ukey = info_->find_type("struct udpif_key");
  ASSERT_NE(ukey, nullptr);
  std::optional<Member> ufid = ukey->find_member("ufid");
  ASSERT_TRUE(ufid);
  EXPECT_EQ(ufid->offset, 40u);
  EXPECT_EQ(ufid->type->name, "ovs_u128");
  EXPECT_EQ(ufid->type->kind, TypeKind::Union);
  EXPECT_EQ(ufid->type->size, 16u);
  std::optional<Member> u32 = ufid->type->find_member("u32");
  ASSERT_TRUE(u32);
  EXPECT_EQ(u32->type->kind, TypeKind::Array);
  EXPECT_EQ(u32->type->count, 4u);
  EXPECT_EQ(u32->type->target->size, 4u);
  EXPECT_EQ(ukey->find_member("key")->offset, 8u);
  EXPECT_EQ(ukey->find_member("key_len")->type->name, "size_t");
  EXPECT_EQ(ukey->find_member("ufid_present")->offset, 56u);
  EXPECT_EQ(ukey->find_member("hash")->offset, 60u);
  EXPECT_EQ(ukey->find_member("pmd_id")->offset, 64u);
}

TEST_F(SimTypes, CmapNodeAtomicPointer) {
  TypeRef ukey = info_->find_type("struct udpif_key");
  ASSERT_NE(ukey, nullptr);
  std::optional<Member> node = ukey->find_member("cmap_node");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->offset, 0u);
  EXPECT_EQ(node->type, info_->find_type("struct cmap_node"));
  std::optional<Member> next = node->type->find_member("next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->type->kind, TypeKind::Pointer);
  EXPECT_EQ(next->type->target, node->type);
}

TEST_F(SimTypes, DpifFlowPut) {
  TypeRef put = info_->find_type("struct dpif_flow_put");
  ASSERT_NE(put, nullptr);
  std::optional<Member> ufid = put->find_member("ufid");
  ASSERT_TRUE(ufid);
  EXPECT_EQ(ufid->offset, 56u);
  EXPECT_EQ(ufid->type->kind, TypeKind::Pointer);
  EXPECT_EQ(ufid->type->name, "ovs_u128 *");
  EXPECT_EQ(ufid->type->target, info_->find_type("ovs_u128"));
  EXPECT_EQ(put->find_member("pmd_id")->offset, 64u);
  EXPECT_EQ(put->find_member("flags")->type->name, "enum dpif_flow_put_flags");
}

TEST_F(SimTypes, Enums) {
  TypeRef fdr = info_->find_type("enum flow_del_reason");
  ASSERT_NE(fdr, nullptr);
  EXPECT_EQ(fdr->enumerators.size(), 12u);
  EXPECT_EQ(fdr->enumerator_name(3), "FDR_FLOW_IDLE");
  EXPECT_EQ(fdr->enumerator_name(11), "FDR_FLOW_MISSING_DP");
  EXPECT_EQ(info_->find_enumerator("FDR_FLOW_IDLE"), fdr);
  TypeRef reval = info_->find_enumerator("UKEY_DELETE");
  ASSERT_NE(reval, nullptr);
  EXPECT_EQ(reval->name, "enum reval_result");
  EXPECT_EQ(reval->enumerator_name(1), "UKEY_DELETE");
  EXPECT_EQ(reval, info_->find_type("enum reval_result"));
}

TEST(SimDebugInfo, StrippedFoundByBuildId) {
  DebugInfoOptions o;
  o.debug_dirs = {sim_debug_dir()};
  auto info = DebugInfo::open(sim_stripped(), o);
  EXPECT_EQ(info->source(), build_id_path(sim_debug_dir(), build_id(sim())));
  TypeRef ukey = info->find_type("struct udpif_key");
  ASSERT_NE(ukey, nullptr);
  EXPECT_EQ(ukey->find_member("ufid")->offset, 40u);
}

TEST(SimDebugInfo, StrippedWithDebugFile) {
  DebugInfoOptions o;
  o.debug_file = build_id_path(sim_debug_dir(), build_id(sim()));
  o.debug_dirs = {};
  auto info = DebugInfo::open(sim_stripped(), o);
  EXPECT_EQ(info->source(), o.debug_file);
  EXPECT_NE(info->find_enumerator("FDR_PURGE"), nullptr);
}

}  // namespace
