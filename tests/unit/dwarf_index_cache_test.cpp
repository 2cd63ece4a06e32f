// The name index kept per build-id (probes/dwarf_index_cache.h): written
// on the first open, used by the next, and ignored when it is damaged; the
// types found through it are the same as through a walk of every unit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "probes/debug_info.h"
#include "probes/dwarf_index_cache.h"
#include "probes/elf_file.h"
#include "probes/sparse_dwarf_file.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::testing;

// What a query sees of the sim's types, as text.
std::string describe(DebugInfo& info) {
  std::ostringstream out;
  for (const char* name : {"struct udpif_key", "ovs_u128", "enum flow_del_reason",
                           "struct dpif_flow_put"}) {
    TypeRef type = info.find_type(name);
    out << name << ": " << (type ? type->name : "none") << " size "
        << (type ? type->size : 0) << " members " << (type ? type->members.size() : 0) << "\n";
  }
  TypeRef idle = info.find_enumerator("FDR_FLOW_IDLE");
  out << "FDR_FLOW_IDLE in " << (idle ? idle->name : "none") << "\n";
  out << info.enumerator_names().size() << " enumerators, " << info.type_names().size()
      << " types\n";
  return out.str();
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class DwarfIndexCache : public ::testing::Test {
 protected:
  void SetUp() override { setenv("OVSQ_CACHE_DIR", dir.path.c_str(), 1); }
  void TearDown() override { unsetenv("OVSQ_CACHE_DIR"); }
  std::string describe_sim() { return describe(*DebugInfo::open(sim(), {})); }
  std::string cache_file() {
    return dwarf_index_cache_path(ElfFile(sim()).build_id());
  }
  TempDir dir;
};

TEST_F(DwarfIndexCache, WrittenThenUsed) {
  ASSERT_EQ(cache_file().rfind(dir.path.string() + "/dwarf-index-", 0), 0u) << cache_file();
  std::string walked = describe_sim();
  std::string text = read(cache_file());
  ASSERT_EQ(text.rfind("ovsq-dwarf-index 3 " + ElfFile(sim()).build_id() + "\n", 0), 0u);
  ASSERT_NE(text.find("\nN struct udpif_key\t0\t"), std::string::npos);
  ASSERT_NE(text.find("\nE FDR_FLOW_IDLE\t0\t"), std::string::npos);
  ASSERT_NE(text.find("\nB int\t0\t"), std::string::npos);  // base types apart
  ASSERT_NE(text.find("\nU 0\t"), std::string::npos);       // every unit's offset
  ASSERT_EQ(text.substr(text.size() - 4), "end\n");
  EXPECT_EQ(describe_sim(), walked);  // through the file
  EXPECT_NE(walked.find("struct udpif_key: struct udpif_key size 192"), std::string::npos)
      << walked;
}

TEST_F(DwarfIndexCache, TheFileIsWhatTheNextOpenUses) {
  std::string walked = describe_sim();
  // An index that says FDR_FLOW_IDLE is in another enum's DIE is believed:
  // proof that the second open read the file rather than walking again.
  std::string text = read(cache_file());
  const std::string idle_key = "\nE FDR_FLOW_IDLE\t", keep_key = "\nE UKEY_KEEP\t";
  size_t idle = text.find(idle_key), keep = text.find(keep_key);
  ASSERT_NE(idle, std::string::npos);
  ASSERT_NE(keep, std::string::npos);
  auto ref_at = [&](size_t start) {  // "0\t1a2b", to the end of the line
    return std::make_pair(start, text.find('\n', start) - start);
  };
  auto [keep_at, keep_length] = ref_at(keep + keep_key.size());
  std::string keep_ref = text.substr(keep_at, keep_length);
  auto [idle_at, idle_length] = ref_at(idle + idle_key.size());
  text.replace(idle_at, idle_length, keep_ref);
  std::ofstream(cache_file(), std::ios::trunc) << text;
  std::unique_ptr<DebugInfo> info = DebugInfo::open(sim(), {});
  TypeRef type = info->find_enumerator("FDR_FLOW_IDLE");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->name, "enum reval_result");
}

TEST_F(DwarfIndexCache, DamagedFilesAreIgnoredAndRewritten) {
  std::string walked = describe_sim();
  std::string good = read(cache_file());
  for (std::string bad : {std::string("ovsq-dwarf-index 0 x\nend\n"),
                          good.substr(0, good.size() / 2),           // cut short
                          good.substr(0, good.find('\n') + 1) + "N struct x\t0\tzz\nend\n",
                          good.substr(0, good.find('\n') + 1) + "N struct x\t0\tfffffff\nend\n",
                          std::string()}) {
    std::ofstream(cache_file(), std::ios::trunc) << bad;
    EXPECT_EQ(describe_sim(), walked);
    EXPECT_EQ(read(cache_file()), good);
  }
}

// With the file, the DWARF is read sparsely: the unit headers at the
// offsets it lists, and a unit only when one of its DIEs is asked for.
TEST_F(DwarfIndexCache, UnitsAreReadWhenAskedFor) {
  describe_sim();
  ElfFile file(sim());
  std::optional<DwarfIndexEntries> cached = load_dwarf_index(cache_file(), file.build_id());
  ASSERT_TRUE(cached.has_value());
  const std::vector<uint64_t> units = cached->units;
  ASSERT_EQ(units.size(), 4u);  // the sim's four source files
  EXPECT_EQ(units[0], 0u);
  std::unique_ptr<SparseDwarfFile> sparse = SparseDwarfFile::open(file, units);
  ASSERT_NE(sparse, nullptr);
  uint64_t opened = sparse->bytes_read();
  EXPECT_TRUE(sparse->load_unit_of(units[1] + 20));
  EXPECT_EQ(sparse->bytes_read() - opened, units[2] - units[1]);
  EXPECT_TRUE(sparse->load_unit_of(units[2] - 1));  // the same unit: not again
  EXPECT_EQ(sparse->bytes_read() - opened, units[2] - units[1]);

  // Offsets that are not this file's units are refused.
  EXPECT_EQ(SparseDwarfFile::open(file, {}), nullptr);
  EXPECT_EQ(SparseDwarfFile::open(file, {0, units[1] + 4, units[2], units[3]}), nullptr);
  EXPECT_EQ(SparseDwarfFile::open(file, {0, units[2], units[3]}), nullptr);
}

// dwz moves types into a supplementary file that units refer into: not
// read sparsely, and the types found are still the walk's.
TEST_F(DwarfIndexCache, DwzIsReadWhole) {
  if (fixture_dwz().empty()) GTEST_SKIP() << "dwz is not installed";
  DebugInfo::open(fixture_dwz(), {});  // writes its file
  ElfFile file(fixture_dwz());
  std::optional<DwarfIndexEntries> cached =
      load_dwarf_index(dwarf_index_cache_path(file.build_id()), file.build_id());
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(SparseDwarfFile::open(file, cached->units), nullptr);
}

TEST_F(DwarfIndexCache, NowhereToWrite) {
  setenv("OVSQ_CACHE_DIR", "/proc/ovsq-no-such-dir", 1);
  std::string walked = describe_sim();
  EXPECT_EQ(describe_sim(), walked);
}

}  // namespace
