#include "probes/sparse_dwarf_file.h"

#include <dwarf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "probes/elf_file.h"

namespace ovsq::probes {

namespace {

// The sections libdw reads, other than .debug_info, when it reads types:
// read whole.  Every other section stays zeros.
bool read_whole(std::string_view name) {
  for (std::string_view wanted : {".shstrtab", ".debug_abbrev", ".debug_str", ".debug_line_str",
                                  ".debug_str_offsets", ".debug_addr"})
    if (name == wanted) return true;
  return false;
}

uint64_t uleb128(const unsigned char*& p, const unsigned char* end) {
  uint64_t value = 0;
  for (int shift = 0; p < end; shift += 7) {
    unsigned char byte = *p++;
    if (shift < 64) value |= uint64_t(byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return value;
}

// Whether any abbreviation in .debug_abbrev has an attribute form whose
// value may point outside its unit (or into a dwz file), or one known only
// per DIE (DW_FORM_indirect): then a unit cannot be read in alone.
bool has_cross_unit_forms(const unsigned char* p, const unsigned char* end) {
  while (p < end) {
    if (uleb128(p, end) == 0) continue;  // the end of one unit's table
    uleb128(p, end);                     // tag
    ++p;                                 // DW_CHILDREN_*
    while (p < end) {
      uint64_t attribute = uleb128(p, end), form = uleb128(p, end);
      if (attribute == 0 && form == 0) break;
      if (form == DW_FORM_implicit_const) uleb128(p, end);  // its (signed) value
      switch (form) {
        case DW_FORM_ref_addr:
        case DW_FORM_ref_sig8:
        case DW_FORM_ref_sup4:
        case DW_FORM_ref_sup8:
        case DW_FORM_indirect:
        case DW_FORM_GNU_ref_alt:
        case DW_FORM_GNU_strp_alt:
        case DW_FORM_strp_sup:
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

// Whether the unit header at `p` says what the cached offsets say: a unit
// `size` bytes long, of a DWARF version libdw reads.  A unit list from
// another build fails here.
bool header_fits(const char* p, uint64_t size) {
  uint32_t length32;
  if (size < 6) return false;
  std::memcpy(&length32, p, 4);
  uint64_t length = length32, length_size = 4;
  if (length32 == 0xffffffff) {
    if (size < 14) return false;
    std::memcpy(&length, p + 4, 8);
    length_size = 12;
  }
  uint16_t version;
  std::memcpy(&version, p + length_size, 2);
  return length + length_size == size && version >= 2 && version <= 5;
}

}  // namespace

std::unique_ptr<SparseDwarfFile> SparseDwarfFile::open(const ElfFile& file,
                                                       std::vector<uint64_t> unit_offsets) {
  std::unique_ptr<SparseDwarfFile> sparse(new SparseDwarfFile());
  struct stat st;
  if (fstat(file.fd(), &st) != 0 || st.st_size <= 0) return nullptr;
  sparse->fd_ = fcntl(file.fd(), F_DUPFD_CLOEXEC, 0);
  if (sparse->fd_ < 0) return nullptr;
  sparse->size_ = size_t(st.st_size);
  void* image = mmap(nullptr, sparse->size_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (image == MAP_FAILED) return nullptr;
  sparse->image_ = static_cast<char*>(image);

  // The ELF header, program headers and section headers.
  const GElf_Ehdr& ehdr = file.ehdr();
  if (!sparse->read(0, ehdr.e_ehsize) ||
      !sparse->read(ehdr.e_phoff, uint64_t(ehdr.e_phnum) * ehdr.e_phentsize))
    return nullptr;
  size_t shnum = 0, shstrndx = 0;
  if (elf_getshdrnum(file.elf(), &shnum) != 0 || elf_getshdrstrndx(file.elf(), &shstrndx) != 0 ||
      !sparse->read(ehdr.e_shoff, uint64_t(shnum) * ehdr.e_shentsize))
    return nullptr;

  bool have_info = false;
  uint64_t abbrev_offset = 0, abbrev_size = 0;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(file.elf(), scn)) != nullptr;) {
    GElf_Shdr shdr = file.header(scn);
    const char* raw_name = elf_strptr(file.elf(), shstrndx, shdr.sh_name);
    if (raw_name == nullptr) return nullptr;
    std::string_view name = raw_name;
    if (name.rfind(".zdebug", 0) == 0 || name == ".gnu_debugaltlink" ||
        (name.rfind(".debug", 0) == 0 && (shdr.sh_flags & SHF_COMPRESSED)))
      return nullptr;
    if (shdr.sh_type == SHT_NOBITS) continue;
    if (name == ".debug_info") {
      sparse->info_offset_ = shdr.sh_offset;
      sparse->info_size_ = shdr.sh_size;
      have_info = true;
    } else if (read_whole(name)) {
      if (!sparse->read(shdr.sh_offset, shdr.sh_size)) return nullptr;
      if (name == ".debug_abbrev") abbrev_offset = shdr.sh_offset, abbrev_size = shdr.sh_size;
    }
  }
  auto* abbrev = reinterpret_cast<const unsigned char*>(sparse->image_ + abbrev_offset);
  if (!have_info || has_cross_unit_forms(abbrev, abbrev + abbrev_size)) return nullptr;

  // The unit headers: enough bytes for the longest (64-bit DWARF 5).
  const std::vector<uint64_t>& units = unit_offsets;
  if (units.empty() || units.front() != 0 || units.back() >= sparse->info_size_ ||
      !std::is_sorted(units.begin(), units.end()) ||
      std::adjacent_find(units.begin(), units.end()) != units.end())
    return nullptr;
  constexpr uint64_t kLongestHeader = 24;
  for (size_t i = 0; i < units.size(); ++i) {
    uint64_t end = i + 1 < units.size() ? units[i + 1] : sparse->info_size_;
    uint64_t at = sparse->info_offset_ + units[i];
    if (!sparse->read(at, std::min(kLongestHeader, end - units[i])) ||
        !header_fits(sparse->image_ + at, end - units[i]))
      return nullptr;
  }
  sparse->units_ = std::move(unit_offsets);
  sparse->loaded_.assign(sparse->units_.size(), false);

  sparse->elf_ = elf_memory(sparse->image_, sparse->size_);
  if (sparse->elf_ == nullptr || elf_kind(sparse->elf_) != ELF_K_ELF) return nullptr;
  return sparse;
}

SparseDwarfFile::~SparseDwarfFile() {
  if (elf_ != nullptr) elf_end(elf_);
  if (image_ != nullptr) munmap(image_, size_);
  if (fd_ >= 0) ::close(fd_);
}

bool SparseDwarfFile::read(uint64_t file_offset, uint64_t size) {
  if (file_offset > size_ || size > size_ - file_offset) return false;
  for (uint64_t done = 0; done < size;) {
    ssize_t n = pread(fd_, image_ + file_offset + done, size - done, off_t(file_offset + done));
    if (n <= 0) return false;
    done += uint64_t(n);
  }
  bytes_read_ += size;
  return true;
}

bool SparseDwarfFile::load_unit_of(uint64_t offset) {
  if (offset >= info_size_) return false;
  size_t i = size_t(std::upper_bound(units_.begin(), units_.end(), offset) - units_.begin()) - 1;
  if (loaded_[i]) return true;
  uint64_t end = i + 1 < units_.size() ? units_[i + 1] : info_size_;
  loaded_[i] = read(info_offset_ + units_[i], end - units_[i]);
  return loaded_[i];
}

}  // namespace ovsq::probes
