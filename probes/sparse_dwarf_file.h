#pragma once
// An ELF file's DWARF in anonymous memory, read in only where libdw looks
// when types are found through the cached name index: the unit headers,
// the abbreviations and strings, and each unit a looked-up DIE is in,
// read whole the first time.
//
// Why: libdw finds a DIE's unit by stepping through every unit header
// before it.  On a real ovs-vswitchd (214 units over 6 MB of .debug_info)
// those reads touch every part of a mapped file, and the kernel maps the
// page cache's large folios whole: 6.4 MB of RSS for a query that needs
// two units.  Here a header costs one page and the rest is never touched.
//
// Only for DWARF whose references stay inside their unit (no
// DW_FORM_ref_addr and kin, as gcc and clang write without LTO), that is
// not compressed and has no dwz file; open() says nullptr otherwise, and
// the caller maps the file instead.
#include <gelf.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace ovsq::probes {

class ElfFile;

class SparseDwarfFile {
 public:
  // `unit_offsets`: every unit's offset in .debug_info, ascending, as the
  // cache file kept them.  nullptr when this file cannot be read so (see
  // above) or the offsets do not fit it.
  static std::unique_ptr<SparseDwarfFile> open(const ElfFile& file,
                                               std::vector<uint64_t> unit_offsets);
  ~SparseDwarfFile();
  SparseDwarfFile(const SparseDwarfFile&) = delete;
  SparseDwarfFile& operator=(const SparseDwarfFile&) = delete;

  // The image, for dwarf_begin_elf.
  Elf* elf() const { return elf_; }
  // Reads in the unit that holds .debug_info offset `offset`, once.
  // Must be called before libdw reads a DIE there.  False when it cannot
  // be read (the DIE then reads as zeros, which libdw rejects).
  bool load_unit_of(uint64_t offset);
  // Bytes read in so far, for tests.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  SparseDwarfFile() = default;
  bool read(uint64_t file_offset, uint64_t size);

  int fd_ = -1;
  char* image_ = nullptr;
  size_t size_ = 0;
  Elf* elf_ = nullptr;
  uint64_t info_offset_ = 0;  // .debug_info in the file
  uint64_t info_size_ = 0;
  std::vector<uint64_t> units_;
  std::vector<bool> loaded_;
  uint64_t bytes_read_ = 0;
};

}  // namespace ovsq::probes
