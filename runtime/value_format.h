#pragma once
// How one value of an event or of an aggregation key reads as text, shared
// by every output format (runtime/output.h) and the row printer
// (runtime/event_printer.h), so that a value looks the same everywhere:
//
//   Unsigned, Signed  decimal
//   Bool              true / false
//   Enum              the enumerator's name, or the number when it has none
//                     (read sign-extended when some enumerator is negative)
//   Pointer           0x followed by lower-case hex, no leading zeros
//   Ufid              ufid:8c92d6db-06ec-405b-992f-e23f0bb65697 (as OVS)
//   String            the bytes up to the first NUL (or all `size` bytes);
//                     bytes outside printable ASCII (0x20..0x7e) as \xNN
//                     with two lower-case hex digits
//   Ipv4, Ipv6, Mac   192.168.10.10, 2001:db8::1, 0e:04:47:fc:74:51
//   FlowKey           the ODP flow string (runtime/odp_key_format.h);
//                     "(empty key)", or "(key unreadable: N bytes)" when
//                     the target's memory could not be read
//
// Also printf events: PrintfFormat turns a printf layout's pieces into its
// line of text, rebuilding each C conversion from its parsed parts so that
// nothing from the query ever reaches snprintf unchecked.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"

namespace ovsq::runtime {

// The column's bytes, zero-extended / sign-extended to 64 bits (the wire
// format is little-endian, as is the host).
uint64_t read_unsigned(const uint8_t* p, uint32_t size);
int64_t read_signed(const uint8_t* p, uint32_t size);

// Whether an Enum column is read sign-extended (some enumerator < 0).
bool enum_is_signed(const Column& column);

// Numbers and pointers are right-aligned in tables, everything else left.
bool is_right_aligned(ColumnKind kind);

// Appends the text form of `column`, read at `base + column.offset`.
void append_value(std::string& out, const Column& column, const uint8_t* base);
std::string value_text(const Column& column, const uint8_t* base);

// Appends `text` with bytes outside printable ASCII written as \xNN.
void append_printable(std::string& out, std::string_view text);

// The bytes an event of this layout needs: its size (at least the 8-byte
// header) and every column's end.
size_t required_size(const EventLayout& layout);

// EventLayout::label, or "#<id>" when empty.
std::string layout_label(const EventLayout& layout);

// A printf layout, prepared once.  Conversions, as the frontend parsed
// them (support/printf_conversion.h):
//   %d %i        the value as a signed 64-bit integer
//   %u %x %X %o  the value as an unsigned 64-bit integer (a Signed column
//                sign-extended first)
//   %c           the low byte as a character (\xNN when not printable)
//   %p           0x followed by hex, as a Pointer column prints
//   %s           the column's text form (above)
// Flags (- + space # 0), width and precision apply as in C.  A column that
// is not a number (Ufid, String) is printed as by %s.  Each conversion is
// rebuilt from its parsed parts, so nothing from the query ever reaches
// snprintf as written.
class PrintfFormat {
 public:
  PrintfFormat() = default;
  explicit PrintfFormat(const EventLayout& layout);

  // Appends the event's text (the caller checked its size).
  void append(std::string& out, const uint8_t* event) const;

 private:
  struct Piece {
    std::string literal;
    int column = -1;  // into columns_, -1: none
    PrintfConversion spec;
  };

  std::vector<Column> columns_;
  std::vector<Piece> pieces_;
};

}  // namespace ovsq::runtime
