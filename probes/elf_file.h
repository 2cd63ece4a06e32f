#pragma once
// A small libelf wrapper shared by usdt_notes and debug_info: opens a file
// read-only (UserError "cannot open PATH: strerror" when it cannot), and
// answers the few questions both readers ask of it.
#include <gelf.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ovsq::probes {

class ElfFile {
 public:
  // Throws UserError when `path` cannot be opened or is not an ELF file.
  explicit ElfFile(const std::string& path);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  const std::string& path() const { return path_; }
  Elf* elf() const { return elf_; }
  int fd() const { return fd_; }
  const GElf_Ehdr& ehdr() const { return ehdr_; }

  // The first section called `name`, or nullptr.
  Elf_Scn* section(std::string_view name) const;
  // The section's header; `scn` must be a section of this file.
  GElf_Shdr header(Elf_Scn* scn) const;
  // Whether the file carries DWARF: a .debug_info (or compressed
  // .zdebug_info) section that has contents.
  bool has_debug_info() const;
  // The NT_GNU_BUILD_ID note in lower-case hex, empty when there is none.
  std::string build_id() const;
  // The file name in .gnu_debuglink, empty when there is none.
  std::string debuglink() const;

  // Translates a virtual address to a file offset through the PT_LOAD
  // segment that contains it (offset = addr - p_vaddr + p_offset).  Sets
  // *flags to that segment's p_flags when `flags` is given.
  std::optional<uint64_t> file_offset(uint64_t addr,
                                      uint32_t* flags = nullptr) const;

 private:
  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
  GElf_Ehdr ehdr_{};
};

// Whether `path` names an existing regular file (following symlinks).
bool is_regular_file(const std::string& path);

}  // namespace ovsq::probes
