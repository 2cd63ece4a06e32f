#pragma once
// Reads the SystemTap SDT notes (.note.stapsdt) of an ELF binary with
// libelf: every USDT probe, each of its locations, and each location's
// argument specs parsed into a form codegen can lower without any map
// lookup at run time.
//
// Only x86_64 binaries are supported (the argument specs name x86
// registers); others get a UserError.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::probes {

enum class UsdtArgKind {
  Register,  // value is (part of) a register:       8@%rbx, 4@%r12d, 2@%dx
  Memory,    // value is at register + offset:        4@12(%rbx), 8@-8(%rbp)
             // and at a symbol (see `symbol`):         -4@counter(%rip)
  Constant,  // value is an immediate:                4@$5, -4@$-1
};

struct UsdtArg {
  UsdtArgKind kind = UsdtArgKind::Register;
  int size = 8;            // 1, 2, 4 or 8 bytes
  bool is_signed = false;  // a leading '-' in the spec
  std::string reg;         // base register, 64-bit name: "rbx", "r12", "rsp", "rip"
  int pt_regs_offset = 0;  // byte offset of `reg` in x86_64 struct pt_regs
  int reg_shift = 0;       // 8 for the high-byte registers %ah %bh %ch %dh:
                           // the value is (reg >> 8) & 0xff
  int64_t offset = 0;      // Memory: displacement
  // Memory with a symbolic displacement, "sym(%rip)" or "sym+8(%rip)": the
  // symbol's name, and `offset` holds only the +8.  read_usdt_notes()
  // resolves it through the symbol table into a plain %rip-relative offset
  // (symbol address + addend - pc, as %rip is the probe's pc when a uprobe
  // fires) and clears `symbol`.
  std::string symbol;
  int64_t constant = 0;    // Constant: the value
  std::string spec;        // the spec as written in the note: "4@12(%rbx)"
};

// Parses one argument spec ("-4@%eax", "8@24(%rsp)", "4@$7").  Throws
// UserError naming the spec when it is not understood.  A spec without a
// "SIZE@" prefix (old sdt.h) is read as an 8-byte unsigned value.
UsdtArg parse_usdt_arg(std::string_view spec);
// Parses the whitespace-separated spec list of a note.
std::vector<UsdtArg> parse_usdt_args(std::string_view specs);

struct UsdtLocation {
  uint64_t pc = 0;               // note address, corrected by .stapsdt.base
  uint64_t file_offset = 0;      // where a uprobe attaches
  uint64_t semaphore = 0;        // semaphore address, 0 when none
  uint64_t semaphore_file_offset = 0;  // for the uprobe's ref_ctr_offset
  std::string arg_specs;         // the raw spec string from the note
  std::vector<UsdtArg> args;     // empty when arg_error is set
  // Why the specs could not be parsed (the UserError text), empty when
  // they were.  Kept per location so that one odd probe does not make the
  // whole binary unreadable; report it only when this probe is used.
  std::string arg_error;
};

struct UsdtProbe {
  std::string provider;
  std::string name;
  std::vector<UsdtLocation> locations;  // in note order
  std::string full_name() const { return provider + ":" + name; }
};

struct UsdtNotes {
  std::string path;          // the binary that was read
  bool pie = false;          // ET_DYN
  std::string build_id;      // hex, empty when the binary has none
  std::vector<UsdtProbe> probes;  // one entry per provider:name, note order

  const UsdtProbe* find(std::string_view provider,
                        std::string_view name) const;
};

// Reads the notes of `path`.  Throws UserError when the file cannot be
// opened or is not an x86_64 ELF.  A binary without probes yields an empty
// `probes` list (the caller says what is missing).
UsdtNotes read_usdt_notes(const std::string& path);

}  // namespace ovsq::probes
