#pragma once
// Helpers shared by the probes/ unit tests (usdt_notes, debug_info): where
// the fixture binaries are, error text capture, temporary directories, and
// ELF facts read independently of probes/ (section headers and symbols
// rather than segments).
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/error.h"

namespace ovsq::testing {

// A path from the test's environment (set by tests/unit/meson.build), else
// its place in the build tree, for running a test binary by hand.
inline std::string built(const char* env, const char* fallback) {
  const char* value = std::getenv(env);
  return value != nullptr ? value
                          : std::string(OVSQ_BUILD_ROOT) + "/" + fallback;
}
inline std::string fixture() {
  return built("OVSQ_SDT_FIXTURE", "tests/unit/sdt_fixture");
}
inline std::string fixture_nopie() {
  return built("OVSQ_SDT_FIXTURE_NOPIE", "tests/unit/sdt_fixture_nopie");
}
inline std::string fixture_dwarf2() {
  return built("OVSQ_SDT_FIXTURE_DWARF2", "tests/unit/sdt_fixture_dwarf2");
}
// Empty where dwz is not installed.
inline std::string fixture_dwz() {
  const char* value = std::getenv("OVSQ_SDT_FIXTURE_DWZ");
  return value != nullptr ? value : "";
}
inline std::string fixture_stripped() {
  return built("OVSQ_SDT_FIXTURE_STRIPPED", "tests/unit/sdt_fixture.stripped");
}
inline std::string fixture_debug() {
  return built("OVSQ_SDT_FIXTURE_DEBUG", "tests/unit/sdt_fixture.debug");
}
inline std::string sim() { return built("OVSQ_SIM", "tests/sim/vswitchd-sim"); }
inline std::string sim_sema() {
  return built("OVSQ_SIM_SEMA", "tests/sim/vswitchd-sim-sema");
}
inline std::string sim_stripped() {
  return built("OVSQ_SIM_STRIPPED", "tests/sim/vswitchd-sim-stripped");
}
inline std::string sim_nodebug() {
  return built("OVSQ_SIM_NODEBUG", "tests/sim/vswitchd-sim-nodebug");
}
inline std::string sim_debug_dir() {
  return built("OVSQ_SIM_DEBUG_DIR", "tests/sim/debug");
}

// The UserError text `f` throws, or "(no error)".
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ovsq::UserError& e) {
    return e.what();
  }
  return "(no error)";
}

inline std::vector<unsigned char> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_file(const std::string& path,
                       const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// A directory removed with everything in it at the end of a test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "ovsq-probes-XXXXXX")
            .string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const {
    return (path / name).string();
  }
};

class ElfFacts {
 public:
  explicit ElfFacts(const std::string& path) {
    elf_version(EV_CURRENT);
    fd_ = open(path.c_str(), O_RDONLY);
    elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
  }
  ~ElfFacts() {
    elf_end(elf_);
    close(fd_);
  }
  ElfFacts(const ElfFacts&) = delete;
  ElfFacts& operator=(const ElfFacts&) = delete;

  // The file offset of `addr` through the allocated section holding it
  // (0 if none), and that section's name.
  uint64_t section_offset(uint64_t addr, std::string* name = nullptr) {
    size_t shstrndx = 0;
    elf_getshdrstrndx(elf_, &shstrndx);
    for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn;
         scn = elf_nextscn(elf_, scn)) {
      GElf_Shdr sh;
      gelf_getshdr(scn, &sh);
      if ((sh.sh_flags & SHF_ALLOC) && sh.sh_type == SHT_PROGBITS &&
          addr >= sh.sh_addr && addr < sh.sh_addr + sh.sh_size) {
        if (name) *name = elf_strptr(elf_, shstrndx, sh.sh_name);
        return sh.sh_offset + (addr - sh.sh_addr);
      }
    }
    return 0;
  }
  // A symbol's value from .symtab, 0 if none.
  uint64_t symbol(const std::string& wanted) {
    for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn;
         scn = elf_nextscn(elf_, scn)) {
      GElf_Shdr sh;
      gelf_getshdr(scn, &sh);
      if (sh.sh_type != SHT_SYMTAB) continue;
      Elf_Data* data = elf_getdata(scn, nullptr);
      for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
        GElf_Sym sym;
        gelf_getsym(data, static_cast<int>(i), &sym);
        if (wanted == elf_strptr(elf_, sh.sh_link, sym.st_name))
          return sym.st_value;
      }
    }
    return 0;
  }
  // p_flags of the PT_LOAD segment holding `addr`, 0 if none.
  uint32_t segment_flags(uint64_t addr) {
    size_t n = 0;
    elf_getphdrnum(elf_, &n);
    for (size_t i = 0; i < n; ++i) {
      GElf_Phdr ph;
      gelf_getphdr(elf_, static_cast<int>(i), &ph);
      if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
          addr < ph.p_vaddr + ph.p_memsz)
        return ph.p_flags;
    }
    return 0;
  }

 private:
  int fd_;
  Elf* elf_;
};

}  // namespace ovsq::testing
