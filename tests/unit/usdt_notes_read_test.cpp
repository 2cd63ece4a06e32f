// probes/usdt_notes: reading the notes of real binaries: the sdt_fixture
// builds (PIE, non-PIE, stripped; see sdt_fixture.c) and tests/sim.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "probes/usdt_notes.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::testing;

std::vector<std::string> names(const UsdtNotes& notes) {
  std::vector<std::string> out;
  for (const UsdtProbe& p : notes.probes) out.push_back(p.full_name());
  return out;
}

// Each location's file offset, checked through the section headers, must
// hold the nop that sdt.h puts at the probe address.
void expect_nops(const UsdtNotes& notes) {
  ElfFacts facts(notes.path);
  std::vector<unsigned char> bytes = file_bytes(notes.path);
  for (const UsdtProbe& probe : notes.probes) {
    for (const UsdtLocation& loc : probe.locations) {
      SCOPED_TRACE(probe.full_name() + " " + loc.arg_specs);
      std::string section;
      EXPECT_EQ(loc.file_offset, facts.section_offset(loc.pc, &section));
      EXPECT_EQ(section, ".text");
      ASSERT_LT(loc.file_offset, bytes.size());
      EXPECT_EQ(bytes[loc.file_offset], 0x90);
    }
  }
}

// The checks common to both fixture builds.
void check_fixture(const std::string& path, bool pie) {
  SCOPED_TRACE(path);
  UsdtNotes notes = read_usdt_notes(path);
  EXPECT_EQ(notes.path, path);
  EXPECT_EQ(notes.pie, pie);
  EXPECT_EQ(notes.build_id.size(), 40u);  // --build-id=sha1
  EXPECT_EQ(names(notes),
            (std::vector<std::string>{"ovsq_fx:two_locs", "ovsq_fx:mem",
                                      "ovsq_fx:konst", "ovsq_fx:guarded"}));
  expect_nops(notes);
  ElfFacts facts(path);

  const UsdtProbe* two = notes.find("ovsq_fx", "two_locs");
  ASSERT_NE(two, nullptr);
  ASSERT_EQ(two->locations.size(), 2u);
  EXPECT_LE(facts.symbol("fx_first"), two->locations[0].pc);
  EXPECT_LE(facts.symbol("fx_second"), two->locations[1].pc);
  for (const UsdtLocation& loc : two->locations) {
    EXPECT_EQ(loc.arg_error, "");
    ASSERT_EQ(loc.args.size(), 2u);
    EXPECT_EQ(loc.args[0].size, 8);  // struct fx_key *
    EXPECT_EQ(loc.args[0].kind, UsdtArgKind::Register);
    EXPECT_EQ(loc.args[1].size, 4);  // int
    EXPECT_TRUE(loc.args[1].is_signed);
    EXPECT_EQ(loc.semaphore, 0u);
    EXPECT_EQ(loc.semaphore_file_offset, 0u);
  }

  const UsdtProbe* konst = notes.find("ovsq_fx", "konst");
  ASSERT_NE(konst, nullptr);
  ASSERT_EQ(konst->locations.size(), 1u);
  const UsdtLocation& k = konst->locations[0];
  EXPECT_EQ(k.arg_specs, "4@$5 -4@$-1");
  ASSERT_EQ(k.args.size(), 2u);
  EXPECT_EQ(k.args[0].kind, UsdtArgKind::Constant);
  EXPECT_EQ(k.args[0].constant, 5);
  EXPECT_FALSE(k.args[0].is_signed);
  EXPECT_EQ(k.args[1].constant, -1);
  EXPECT_TRUE(k.args[1].is_signed);

  // key->len, fx_global_key.len, fx_sink: "sym(%rip)" becomes an offset
  // from the probe's pc.
  const UsdtProbe* mem = notes.find("ovsq_fx", "mem");
  ASSERT_NE(mem, nullptr);
  ASSERT_EQ(mem->locations.size(), 1u);
  const UsdtLocation& m = mem->locations[0];
  EXPECT_EQ(m.arg_error, "");
  ASSERT_EQ(m.args.size(), 3u);
  EXPECT_EQ(m.args[0].spec, "8@16(%rdi)");
  EXPECT_EQ(m.args[0].offset, 16);
  EXPECT_EQ(m.args[1].reg, "rip");
  EXPECT_EQ(m.args[1].symbol, "");
  EXPECT_EQ(m.pc + m.args[1].offset, facts.symbol("fx_global_key") + 16);
  EXPECT_EQ(m.args[2].spec, "-4@fx_sink(%rip)");
  EXPECT_EQ(m.pc + m.args[2].offset, facts.symbol("fx_sink"));

  const UsdtProbe* guarded = notes.find("ovsq_fx", "guarded");
  ASSERT_NE(guarded, nullptr);
  ASSERT_EQ(guarded->locations.size(), 1u);
  const UsdtLocation& g = guarded->locations[0];
  EXPECT_EQ(g.semaphore, facts.symbol("ovsq_fx_guarded_semaphore"));
  std::string section;
  EXPECT_EQ(g.semaphore_file_offset,
            facts.section_offset(g.semaphore, &section));
  EXPECT_EQ(section, ".probes");
  EXPECT_TRUE(facts.segment_flags(g.semaphore) & PF_W);
  std::vector<unsigned char> bytes = file_bytes(path);
  ASSERT_LT(g.semaphore_file_offset + 1, bytes.size());
  EXPECT_EQ(bytes[g.semaphore_file_offset], 0);
  EXPECT_EQ(bytes[g.semaphore_file_offset + 1], 0);
}

TEST(ReadUsdtNotes, FixturePie) { check_fixture(fixture(), true); }

TEST(ReadUsdtNotes, FixtureNonPie) {
  check_fixture(fixture_nopie(), false);
  // Non-PIE addresses are absolute: the pc is not the file offset.
  UsdtNotes notes = read_usdt_notes(fixture_nopie());
  const UsdtLocation& loc = notes.probes[0].locations[0];
  EXPECT_GE(loc.pc, 0x400000u);
  EXPECT_EQ(loc.pc - loc.file_offset, 0x400000u);
}

// strip keeps .note.stapsdt, .stapsdt.base and the build-id, and the
// loadable layout; it drops .symtab, so "sym(%rip)" arguments cannot be
// resolved and that location says why, while the others stay usable.
TEST(ReadUsdtNotes, StrippedFixture) {
  UsdtNotes full = read_usdt_notes(fixture());
  UsdtNotes stripped = read_usdt_notes(fixture_stripped());
  EXPECT_EQ(stripped.build_id, full.build_id);
  EXPECT_TRUE(stripped.pie);
  ASSERT_EQ(names(stripped), names(full));
  for (size_t i = 0; i < full.probes.size(); ++i) {
    ASSERT_EQ(stripped.probes[i].locations.size(),
              full.probes[i].locations.size());
    for (size_t j = 0; j < full.probes[i].locations.size(); ++j) {
      const UsdtLocation& a = full.probes[i].locations[j];
      const UsdtLocation& b = stripped.probes[i].locations[j];
      EXPECT_EQ(b.pc, a.pc);
      EXPECT_EQ(b.file_offset, a.file_offset);
      EXPECT_EQ(b.semaphore, a.semaphore);
      EXPECT_EQ(b.semaphore_file_offset, a.semaphore_file_offset);
      EXPECT_EQ(b.arg_specs, a.arg_specs);
    }
  }
  expect_nops(stripped);
  const UsdtLocation& m = stripped.find("ovsq_fx", "mem")->locations[0];
  EXPECT_TRUE(m.args.empty());
  std::string spec = parse_usdt_args(m.arg_specs)[1].spec;
  EXPECT_EQ(m.arg_error, "cannot resolve USDT argument '" + spec +
                             "': symbol fx_global_key is not in the symbol "
                             "table of " + fixture_stripped());
  EXPECT_EQ(stripped.find("ovsq_fx", "konst")->locations[0].arg_error, "");
}

// The section header of `section` in an ELF image (nullopt if none).
std::optional<Elf64_Shdr> section_header(const std::vector<unsigned char>& bytes,
                                         const char* section,
                                         size_t* at = nullptr) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  auto shdr_at = [&](size_t i) { return eh.e_shoff + i * eh.e_shentsize; };
  Elf64_Shdr strtab;
  std::memcpy(&strtab, &bytes[shdr_at(eh.e_shstrndx)], sizeof strtab);
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, &bytes[shdr_at(i)], sizeof sh);
    if (std::strcmp(reinterpret_cast<const char*>(
                        &bytes[strtab.sh_offset + sh.sh_name]),
                    section) == 0) {
      if (at != nullptr) *at = shdr_at(i);
      return sh;
    }
  }
  return std::nullopt;
}

// A copy of the fixture in `dir`, changed by `patch`.
template <typename F>
std::string patched_fixture(const TempDir& dir, F patch) {
  std::vector<unsigned char> bytes = file_bytes(fixture());
  patch(bytes);
  std::string out = dir / "patched";
  write_file(out, bytes);
  return out;
}

// As after a prelink: .stapsdt.base is not where the notes say it was, and
// every pc and semaphore moved by the same amount.
TEST(ReadUsdtNotes, StapsdtBaseAdjustsAddresses) {
  TempDir dir;
  UsdtNotes orig = read_usdt_notes(fixture());
  UsdtNotes moved = read_usdt_notes(patched_fixture(dir, [](auto& bytes) {
    size_t at = 0;
    Elf64_Shdr sh = section_header(bytes, ".stapsdt.base", &at).value();
    sh.sh_addr -= 0x10;
    std::memcpy(&bytes[at], &sh, sizeof sh);
  }));
  ASSERT_EQ(names(moved), names(orig));
  for (size_t i = 0; i < orig.probes.size(); ++i) {
    for (size_t j = 0; j < orig.probes[i].locations.size(); ++j) {
      const UsdtLocation& a = orig.probes[i].locations[j];
      const UsdtLocation& b = moved.probes[i].locations[j];
      EXPECT_EQ(b.pc, a.pc - 0x10);
      EXPECT_EQ(b.file_offset, a.file_offset - 0x10);
      EXPECT_EQ(b.semaphore, a.semaphore ? a.semaphore - 0x10 : 0);
    }
  }
}

TEST(ReadUsdtNotes, Errors) {
  EXPECT_EQ(error_of([] { read_usdt_notes("/nonexistent/ovs-vswitchd"); }),
            "cannot open /nonexistent/ovs-vswitchd: No such file or directory");
  TempDir dir;
  EXPECT_EQ(error_of([&] { read_usdt_notes(dir.path.string()); }),
            "cannot open " + dir.path.string() + ": Is a directory");
  std::string source = std::string(OVSQ_SOURCE_ROOT) + "/tests/unit/sdt_fixture.c";
  EXPECT_EQ(error_of([&] { read_usdt_notes(source); }),
            source + " is not an ELF file");
  std::string arm = patched_fixture(dir, [](auto& bytes) {
    uint16_t machine = EM_AARCH64;
    std::memcpy(&bytes[offsetof(Elf64_Ehdr, e_machine)], &machine, 2);
  });
  EXPECT_EQ(error_of([&] { read_usdt_notes(arm); }),
            arm + " is not a 64-bit x86_64 binary; ovsq reads the USDT probes "
                  "of x86_64 ELF files only");
  // A note too short for its three addresses.
  std::string bad = patched_fixture(dir, [](auto& bytes) {
    Elf64_Shdr sh = section_header(bytes, ".note.stapsdt").value();
    uint32_t descsz = 20;
    std::memcpy(&bytes[sh.sh_offset + offsetof(Elf64_Nhdr, n_descsz)],
                &descsz, 4);
  });
  EXPECT_EQ(error_of([&] { read_usdt_notes(bad); }),
            bad + " has a malformed .note.stapsdt note");
}

TEST(ReadUsdtNotes, BinaryWithoutProbes) {
  UsdtNotes notes = read_usdt_notes("/proc/self/exe");
  EXPECT_TRUE(notes.probes.empty());
  EXPECT_EQ(notes.find("ovsq_fx", "konst"), nullptr);
}

// ---- tests/sim -------------------------------------------------------------

const std::vector<std::pair<std::string, size_t>> kSimProbes = {
    {"revalidate:flow_result", 4},
    {"revalidator_sweep__:flow_sweep_result", 4},
    {"revalidate_ukey__:entry", 6},
    {"revalidate_ukey__:exit", 3},
    {"udpif_revalidator:start_dump", 2},
    {"udpif_revalidator:sweep_done", 3},
    {"dpif_recv:recv_upcall", 6},
    {"dpif_netlink_operate__:op_flow_put", 4},
    {"dpif_netlink_operate__:op_flow_del", 4},
    {"dpif_netlink_operate__:op_flow_get", 4},
    {"dpif_netlink_operate__:op_flow_execute", 5},
    {"main:run_start", 0},
    {"main:poll_block", 0},
};

void check_sim(const UsdtNotes& notes, bool semaphores) {
  std::vector<std::string> got = names(notes);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 13u);
  ElfFacts facts(notes.path);
  for (const auto& [full, nargs] : kSimProbes) {
    SCOPED_TRACE(full);
    size_t colon = full.find(':');
    const UsdtProbe* p = notes.find(full.substr(0, colon), full.substr(colon + 1));
    ASSERT_NE(p, nullptr);
    ASSERT_FALSE(p->locations.empty());
    for (const UsdtLocation& loc : p->locations) {
      EXPECT_EQ(loc.arg_error, "");
      EXPECT_EQ(loc.args.size(), nargs);
      EXPECT_EQ(loc.semaphore != 0, semaphores);
      if (semaphores) {
        EXPECT_EQ(loc.semaphore_file_offset,
                  facts.section_offset(loc.semaphore));
        EXPECT_TRUE(facts.segment_flags(loc.semaphore) & PF_W);
      }
    }
  }
  // Upstream's argument order: udpif, ukey, result, del_reason.
  for (const UsdtLocation& loc : notes.find("revalidate", "flow_result")->locations) {
    ASSERT_EQ(loc.args.size(), 4u);
    EXPECT_EQ(loc.args[0].size, 8);
    EXPECT_EQ(loc.args[1].size, 8);
    EXPECT_EQ(loc.args[2].size, 4);
    EXPECT_EQ(loc.args[3].size, 4);
  }
  expect_nops(notes);
}

TEST(ReadUsdtNotesSim, Probes) {
  UsdtNotes notes = read_usdt_notes(sim());
  EXPECT_TRUE(notes.pie);
  check_sim(notes, false);
}

TEST(ReadUsdtNotesSim, Semaphores) { check_sim(read_usdt_notes(sim_sema()), true); }

// The stripped sim keeps its notes and build-id; the build-id is the name
// its debug info was filed under (found there by readelf).
TEST(ReadUsdtNotesSim, Stripped) {
  UsdtNotes stripped = read_usdt_notes(sim_stripped());
  check_sim(stripped, false);
  EXPECT_EQ(stripped.build_id, read_usdt_notes(sim()).build_id);
  std::string id = stripped.build_id;
  ASSERT_GT(id.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(sim_debug_dir() + "/.build-id/" +
                                      id.substr(0, 2) + "/" + id.substr(2) +
                                      ".debug"));
}

}  // namespace
