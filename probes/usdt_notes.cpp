// Reading .note.stapsdt and parsing x86_64 USDT argument specs.
//
// A stapsdt note (owner "stapsdt", type 3) holds three addresses (8 bytes
// each in a 64-bit file: the probe's pc, the link-time address of
// .stapsdt.base, the semaphore or 0), then three NUL-terminated strings:
// provider, name, argument specs.
#include "probes/usdt_notes.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "probes/elf_file.h"
#include "support/error.h"

namespace ovsq::probes {

namespace {

constexpr uint32_t kNtStapsdt = 3;

// The x86_64 general-purpose registers: every name a spec can use for
// (part of) one of them, and where it is saved in struct pt_regs.
struct Gpr {
  const char* base;
  int pt_regs_offset;
  const char* names[5];  // 64, 32, 16, low 8 bits, high 8 bits (or null)
};

const Gpr kGprs[] = {
    {"rax", 80, {"rax", "eax", "ax", "al", "ah"}},
    {"rbx", 40, {"rbx", "ebx", "bx", "bl", "bh"}},
    {"rcx", 88, {"rcx", "ecx", "cx", "cl", "ch"}},
    {"rdx", 96, {"rdx", "edx", "dx", "dl", "dh"}},
    {"rsi", 104, {"rsi", "esi", "si", "sil"}},
    {"rdi", 112, {"rdi", "edi", "di", "dil"}},
    {"rbp", 32, {"rbp", "ebp", "bp", "bpl"}},
    {"rsp", 152, {"rsp", "esp", "sp", "spl"}},
    {"r8", 72, {"r8", "r8d", "r8w", "r8b"}},
    {"r9", 64, {"r9", "r9d", "r9w", "r9b"}},
    {"r10", 56, {"r10", "r10d", "r10w", "r10b"}},
    {"r11", 48, {"r11", "r11d", "r11w", "r11b"}},
    {"r12", 24, {"r12", "r12d", "r12w", "r12b"}},
    {"r13", 16, {"r13", "r13d", "r13w", "r13b"}},
    {"r14", 8, {"r14", "r14d", "r14w", "r14b"}},
    {"r15", 0, {"r15", "r15d", "r15w", "r15b"}},
    {"rip", 128, {"rip", "eip"}},
};

// Sets arg.reg, pt_regs_offset and reg_shift from a name without '%'.
bool set_register(std::string_view name, UsdtArg& arg) {
  for (const Gpr& gpr : kGprs) {
    for (int i = 0; i < 5; ++i) {
      if (gpr.names[i] != nullptr && name == gpr.names[i]) {
        arg.reg = gpr.base;
        arg.pt_regs_offset = gpr.pt_regs_offset;
        arg.reg_shift = i == 4 ? 8 : 0;
        return true;
      }
    }
  }
  return false;
}

// A whole string as a signed decimal; values past INT64_MAX wrap (an
// unsigned 64-bit constant).
bool parse_int(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  std::from_chars_result r = std::from_chars(text.data(), end, out);
  if (r.ec == std::errc::result_out_of_range && text[0] != '-') {
    uint64_t u = 0;
    r = std::from_chars(text.data(), end, u);
    out = static_cast<int64_t>(u);
  }
  return r.ec == std::errc() && r.ptr == end;
}

bool is_symbol_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '.' || (!first && c >= '0' && c <= '9');
}

// A displacement as gas writes it: "", "16", "-8", or with one symbol:
// "sym", "sym+16", "16+sym", "sym-8".
bool parse_displacement(std::string_view disp, int64_t& offset,
                        std::string& symbol) {
  offset = 0;
  size_t pos = 0;
  while (pos < disp.size()) {
    // One term, with the sign before it (none for the first).
    size_t end = disp.find_first_of("+-", pos + 1);
    if (end == std::string_view::npos) end = disp.size();
    std::string_view term = disp.substr(pos, end - pos);
    if (pos > 0 && term[0] == '+') term.remove_prefix(1);
    int64_t n = 0;
    if (parse_int(term, n)) {
      offset += n;
    } else if (!symbol.empty() || term.empty() ||
               !is_symbol_char(term[0], true)) {
      return false;
    } else {
      for (char c : term)
        if (!is_symbol_char(c, false)) return false;
      symbol = std::string(term);
    }
    pos = end;
  }
  return true;
}

}  // namespace

UsdtArg parse_usdt_arg(std::string_view spec) {
  UsdtArg arg;
  arg.spec = std::string(spec);
  auto fail = [&](const std::string& why) {
    return UserError("cannot parse USDT argument '" + arg.spec + "': " + why);
  };
  if (spec.empty()) throw fail("it is empty");

  std::string_view operand = spec;
  if (size_t at = spec.find('@'); at != std::string_view::npos) {
    std::string_view size = spec.substr(0, at);
    if (!size.empty() && size[0] == '-') {
      arg.is_signed = true;
      size.remove_prefix(1);
    }
    int64_t n = 0;
    if (!parse_int(size, n) || (n != 1 && n != 2 && n != 4 && n != 8))
      throw fail("the size must be 1, 2, 4 or 8");
    arg.size = static_cast<int>(n);
    operand = spec.substr(at + 1);
  }  // else: an old sdt.h without sizes; 8 bytes, unsigned

  if (operand.empty()) throw fail("no operand after '@'");
  if (operand[0] == '%') {
    arg.kind = UsdtArgKind::Register;
    if (!set_register(operand.substr(1), arg))
      throw fail("unknown register " + std::string(operand));
    return arg;
  }
  if (operand[0] == '$') {
    arg.kind = UsdtArgKind::Constant;
    if (!parse_int(operand.substr(1), arg.constant))
      throw fail("bad constant " + std::string(operand));
    return arg;
  }
  size_t open = operand.find('(');
  if (open == std::string_view::npos || operand.back() != ')')
    throw fail("expected %reg, off(%reg) or $constant");

  arg.kind = UsdtArgKind::Memory;
  std::string_view inside = operand.substr(open + 1);
  inside.remove_suffix(1);
  if (inside.find(',') != std::string_view::npos)
    throw fail("indexed memory operands are not supported");
  if (inside.empty() || inside[0] != '%' ||
      !set_register(inside.substr(1), arg))
    throw fail("unknown register " + std::string(inside));
  if (arg.reg_shift != 0)
    throw fail("%" + std::string(inside.substr(1)) +
               " cannot address memory");

  std::string_view disp = operand.substr(0, open);
  if (!parse_displacement(disp, arg.offset, arg.symbol))
    throw fail("bad displacement " + std::string(disp));
  if (!arg.symbol.empty() && arg.reg != "rip")
    throw fail("a symbolic displacement is only supported with %rip");
  return arg;
}

std::vector<UsdtArg> parse_usdt_args(std::string_view specs) {
  std::vector<UsdtArg> args;
  size_t pos = 0;
  while (true) {
    pos = specs.find_first_not_of(" \t\n", pos);
    if (pos == std::string_view::npos) break;
    size_t end = specs.find_first_of(" \t\n", pos);
    args.push_back(parse_usdt_arg(specs.substr(pos, end - pos)));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return args;
}

const UsdtProbe* UsdtNotes::find(std::string_view provider,
                                 std::string_view name) const {
  for (const UsdtProbe& probe : probes)
    if (probe.provider == provider && probe.name == name) return &probe;
  return nullptr;
}

namespace {

std::string hex_address(uint64_t addr) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx",
                static_cast<unsigned long long>(addr));
  return text;
}

uint64_t read_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);  // little-endian
  return v;
}

// Addresses of the defined symbols called `name` in .symtab and .dynsym,
// built on first use (only probes with "sym(%rip)" arguments need it).
class SymbolTable {
 public:
  explicit SymbolTable(const ElfFile& file) : file_(file) {}

  // The symbol's address; throws the reason it has none as a UserError.
  uint64_t address(const std::string& name) {
    if (!loaded_) load();
    auto it = symbols_.find(name);
    if (it == symbols_.end())
      throw UserError("symbol " + name + " is not in the symbol table of " +
                      file_.path());
    if (it->second.size() > 1)
      throw UserError("symbol " + name + " is ambiguous in " + file_.path());
    return *it->second.begin();
  }

 private:
  void load() {
    loaded_ = true;
    for (Elf_Scn* scn = elf_nextscn(file_.elf(), nullptr); scn != nullptr;
         scn = elf_nextscn(file_.elf(), scn)) {
      GElf_Shdr shdr = file_.header(scn);
      if (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM) continue;
      Elf_Data* data = elf_getdata(scn, nullptr);
      if (data == nullptr || shdr.sh_entsize == 0) continue;
      for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; ++i) {
        GElf_Sym sym;
        if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr ||
            sym.st_shndx == SHN_UNDEF || GELF_ST_TYPE(sym.st_info) == STT_TLS)
          continue;
        const char* name = elf_strptr(file_.elf(), shdr.sh_link, sym.st_name);
        if (name != nullptr && *name != '\0')
          symbols_[name].insert(sym.st_value);
      }
    }
  }

  const ElfFile& file_;
  bool loaded_ = false;
  std::unordered_map<std::string, std::set<uint64_t>> symbols_;
};

// Parses the location's specs into loc.args, or records why not.
void parse_location_args(UsdtLocation& loc, SymbolTable& symbols) {
  try {
    loc.args = parse_usdt_args(loc.arg_specs);
    for (UsdtArg& arg : loc.args) {
      if (arg.symbol.empty()) continue;
      try {
        arg.offset += static_cast<int64_t>(symbols.address(arg.symbol) -
                                           loc.pc);
      } catch (const UserError& e) {
        throw UserError("cannot resolve USDT argument '" + arg.spec +
                        "': " + e.what());
      }
      arg.symbol.clear();
    }
  } catch (const UserError& e) {
    loc.args.clear();
    loc.arg_error = e.what();
  }
}

// One stapsdt note's contents.
struct RawNote {
  uint64_t pc = 0, base = 0, semaphore = 0;
  std::string provider, name, arg_specs;
};

bool parse_note(const char* desc, size_t size, RawNote& note) {
  if (size < 24) return false;
  note.pc = read_u64(desc);
  note.base = read_u64(desc + 8);
  note.semaphore = read_u64(desc + 16);
  const char* p = desc + 24;
  const char* end = desc + size;
  for (std::string* s : {&note.provider, &note.name, &note.arg_specs}) {
    const void* nul = p < end ? std::memchr(p, 0, end - p) : nullptr;
    if (nul == nullptr) return false;
    *s = std::string(p, static_cast<const char*>(nul));
    p = static_cast<const char*>(nul) + 1;
  }
  return true;
}

// A virtual address's file offset; throws naming `what` when there is none.
uint64_t file_offset(const ElfFile& file, uint64_t addr,
                     const std::string& what) {
  std::optional<uint64_t> offset = file.file_offset(addr);
  if (!offset)
    throw UserError(file.path() + ": " + what + " at " + hex_address(addr) +
                    " is outside every loadable segment");
  return *offset;
}

}  // namespace

UsdtNotes read_usdt_notes(const std::string& path) {
  ElfFile file(path);
  const GElf_Ehdr& ehdr = file.ehdr();
  if (gelf_getclass(file.elf()) != ELFCLASS64 || ehdr.e_machine != EM_X86_64)
    throw UserError(path + " is not a 64-bit x86_64 binary; ovsq reads the "
                           "USDT probes of x86_64 ELF files only");
  UsdtNotes notes;
  notes.path = path;
  notes.pie = ehdr.e_type == ET_DYN;
  notes.build_id = file.build_id();

  // Where .stapsdt.base really is; notes made before a prelink record the
  // old address, and everything they hold moved by the same amount.
  std::optional<uint64_t> base_addr;
  if (Elf_Scn* base = file.section(".stapsdt.base"))
    base_addr = file.header(base).sh_addr;

  SymbolTable symbols(file);
  std::map<std::string, size_t> index;  // provider:name -> probes[i]
  for (Elf_Scn* scn = elf_nextscn(file.elf(), nullptr); scn != nullptr;
       scn = elf_nextscn(file.elf(), scn)) {
    if (file.header(scn).sh_type != SHT_NOTE) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) continue;
    const char* buf = static_cast<const char*>(data->d_buf);
    GElf_Nhdr nhdr;
    size_t name_off = 0, desc_off = 0;
    for (size_t off = 0;
         (off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0;) {
      if (nhdr.n_type != kNtStapsdt || nhdr.n_namesz != 8 ||
          std::memcmp(buf + name_off, "stapsdt", 8) != 0)
        continue;
      RawNote note;
      if (!parse_note(buf + desc_off, nhdr.n_descsz, note))
        throw UserError(path + " has a malformed .note.stapsdt note");
      std::string full = note.provider + ":" + note.name;

      UsdtLocation loc;
      loc.pc = note.pc;
      loc.semaphore = note.semaphore;
      if (base_addr && note.base != 0) {
        loc.pc += *base_addr - note.base;
        if (loc.semaphore != 0) loc.semaphore += *base_addr - note.base;
      }
      loc.file_offset = file_offset(file, loc.pc, "probe " + full);
      if (loc.semaphore != 0)
        loc.semaphore_file_offset = file_offset(
            file, loc.semaphore, "the semaphore of probe " + full);
      loc.arg_specs = std::move(note.arg_specs);
      parse_location_args(loc, symbols);

      auto [it, added] = index.try_emplace(full, notes.probes.size());
      if (added) {
        UsdtProbe& probe = notes.probes.emplace_back();
        probe.provider = std::move(note.provider);
        probe.name = std::move(note.name);
      }
      notes.probes[it->second].locations.push_back(std::move(loc));
    }
  }
  return notes;
}

}  // namespace ovsq::probes
