#include "probes/elf_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "support/error.h"

namespace ovsq::probes {

namespace {

constexpr uint32_t kNtGnuBuildId = 3;

std::string hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// The build-id in a block of notes, or "".
std::string build_id_in(Elf_Data* data) {
  GElf_Nhdr nhdr;
  size_t name_off = 0, desc_off = 0;
  for (size_t off = 0;
       (off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0;) {
    const char* base = static_cast<const char*>(data->d_buf);
    if (nhdr.n_type == kNtGnuBuildId && nhdr.n_namesz == 4 &&
        std::memcmp(base + name_off, "GNU", 4) == 0 && nhdr.n_descsz > 0)
      return hex(reinterpret_cast<const unsigned char*>(base + desc_off),
                 nhdr.n_descsz);
  }
  return "";
}

}  // namespace

ElfFile::ElfFile(const std::string& path) : path_(path) {
  elf_version(EV_CURRENT);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno("cannot open " + path, errno);
  struct stat st;
  if (fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw_errno("cannot open " + path, EISDIR);
  }
  elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
  if (elf_ == nullptr || elf_kind(elf_) != ELF_K_ELF ||
      gelf_getehdr(elf_, &ehdr_) == nullptr) {
    if (elf_ != nullptr) elf_end(elf_);
    ::close(fd_);
    throw UserError(path + " is not an ELF file");
  }
}

ElfFile::~ElfFile() {
  elf_end(elf_);
  ::close(fd_);
}

Elf_Scn* ElfFile::section(std::string_view name) const {
  size_t shstrndx = 0;
  if (elf_getshdrstrndx(elf_, &shstrndx) != 0) return nullptr;
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn != nullptr;
       scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr) continue;
    const char* sname = elf_strptr(elf_, shstrndx, shdr.sh_name);
    if (sname != nullptr && name == sname) return scn;
  }
  return nullptr;
}

GElf_Shdr ElfFile::header(Elf_Scn* scn) const {
  GElf_Shdr shdr{};
  gelf_getshdr(scn, &shdr);
  return shdr;
}

bool ElfFile::has_debug_info() const {
  for (const char* name : {".debug_info", ".zdebug_info"}) {
    Elf_Scn* scn = section(name);
    if (scn == nullptr) continue;
    GElf_Shdr shdr = header(scn);
    if (shdr.sh_type != SHT_NOBITS && shdr.sh_size > 0) return true;
  }
  return false;
}

std::string ElfFile::build_id() const {
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn != nullptr;
       scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr = header(scn);
    if (shdr.sh_type != SHT_NOTE) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) continue;
    std::string id = build_id_in(data);
    if (!id.empty()) return id;
  }
  // No section headers (or none with the note): try the PT_NOTE segments.
  size_t phnum = 0;
  if (elf_getphdrnum(elf_, &phnum) != 0) return "";
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr phdr;
    if (gelf_getphdr(elf_, i, &phdr) == nullptr || phdr.p_type != PT_NOTE)
      continue;
    Elf_Data* data = elf_getdata_rawchunk(
        elf_, phdr.p_offset, phdr.p_filesz,
        phdr.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
    if (data == nullptr) continue;
    std::string id = build_id_in(data);
    if (!id.empty()) return id;
  }
  return "";
}

std::string ElfFile::debuglink() const {
  Elf_Scn* scn = section(".gnu_debuglink");
  if (scn == nullptr) return "";
  Elf_Data* data = elf_getdata(scn, nullptr);
  if (data == nullptr || data->d_buf == nullptr) return "";
  const char* name = static_cast<const char*>(data->d_buf);
  return std::string(name, strnlen(name, data->d_size));
}

std::optional<uint64_t> ElfFile::file_offset(uint64_t addr,
                                             uint32_t* flags) const {
  size_t phnum = 0;
  if (elf_getphdrnum(elf_, &phnum) != 0) return std::nullopt;
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr phdr;
    if (gelf_getphdr(elf_, i, &phdr) == nullptr || phdr.p_type != PT_LOAD)
      continue;
    if (addr >= phdr.p_vaddr && addr - phdr.p_vaddr < phdr.p_memsz) {
      if (flags != nullptr) *flags = phdr.p_flags;
      return addr - phdr.p_vaddr + phdr.p_offset;
    }
  }
  return std::nullopt;
}

bool is_regular_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace ovsq::probes
