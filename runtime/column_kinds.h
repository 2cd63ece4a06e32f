#pragma once
// The kinds of value an event column or an aggregation key holds, one row
// each in kColumnKinds: how the value sits in an event, how wide its text
// gets, how it reads as a number, how JSON writes it and how keys of it
// sort.  Codegen (codegen/layouts.cpp) and the runtime's printers
// (runtime/value_format.cpp, event_printer.cpp, aggregation.cpp,
// output_json.cpp) read the row; only the text itself is a switch, in
// runtime/value_format.cpp (append_value).
//
// Adding a value kind: a ColumnKind, its row here, its text in
// append_value, and the frontend type that lowers to it in
// codegen/layouts.cpp (column_for).
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace ovsq::runtime {

enum class ColumnKind {
  Unsigned,  // size 1/2/4/8, printed in decimal
  Signed,    // size 1/2/4/8, printed in decimal
  Bool,      // printed as true/false
  Enum,      // printed by enumerator name, or the number when it has none
  Pointer,   // printed as 0x... hex
  Ufid,      // 16 bytes, ovs_u128 u32[4], printed as ufid:%08x-%04x-...
  String,    // `size` bytes of text, NUL-padded (may fill all `size`)
  Ipv4,      // 4 bytes, network order: 192.168.10.10
  Ipv6,      // 16 bytes, network order: 2001:db8::1 (inet_ntop's form)
  Mac,       // 6 bytes: 0e:04:47:fc:74:51
  // A datapath flow key: u64 its length in the target, u32 the bytes
  // copied (0: unreadable), u32 padding, then `size - 16` bytes; printed as
  // an ODP flow string (runtime/odp_key_format.h), marked when truncated.
  // Column::masked (`flow`): two such halves, the key's then the mask's,
  // printed as dpctl/dump-flows prints the match (runtime/odp_flow_format.h).
  FlowKey,
};

// How wide a column's text gets at most, for aligned rows.
enum class TextWidth {
  Fixed,        // ColumnKindInfo::width characters
  Integer,      // the widest decimal of its size (and sign)
  Size,         // its size in bytes (strings)
  Enumerators,  // its longest enumerator name
  Unbounded,    // as long as the text (flow keys): never padded
};

// What the value is as a number (printf's integer conversions).
enum class Reading {
  None,      // not a number: %d and the like print it as %s does
  Unsigned,  // zero-extended
  Signed,    // sign-extended
  Bool,      // 0 or 1
  Enum,      // sign-extended when some enumerator is negative
};

// How JSON writes it.
enum class JsonForm {
  Number,   // a JSON number (also a number in an aggregation key)
  Literal,  // its text as is: true, false (a string in an aggregation key)
  String,   // a JSON string of its text
};

// How aggregation keys of it sort.
enum class KeyOrder {
  Unsigned,  // as an unsigned number
  Signed,    // as a signed number
  Enum,      // by value: signed when some enumerator is negative
  Words,     // 32-bit words in order (a ufid: as its text sorts)
  Bytes,     // bytewise (network-order addresses, flow keys)
  Text,      // the bytes up to the first NUL, bytewise
};

struct ColumnKindInfo {
  ColumnKind kind;
  const char* name;
  uint32_t alignment;  // in an event; 0: natural (its size, at most 8)
  TextWidth text_width;
  uint32_t width;      // TextWidth::Fixed
  bool right_aligned;  // numbers and pointers; text is left-aligned
  Reading reading;
  JsonForm json;
  KeyOrder order;
};

inline constexpr ColumnKindInfo kColumnKinds[] = {
    {ColumnKind::Unsigned, "unsigned", 0, TextWidth::Integer, 0, true,
     Reading::Unsigned, JsonForm::Number, KeyOrder::Unsigned},
    {ColumnKind::Signed, "signed", 0, TextWidth::Integer, 0, true,
     Reading::Signed, JsonForm::Number, KeyOrder::Signed},
    {ColumnKind::Bool, "bool", 0, TextWidth::Fixed, 5 /* false */, false,
     Reading::Bool, JsonForm::Literal, KeyOrder::Unsigned},
    {ColumnKind::Enum, "enum", 0, TextWidth::Enumerators, 0, false,
     Reading::Enum, JsonForm::String, KeyOrder::Enum},
    {ColumnKind::Pointer, "pointer", 0, TextWidth::Fixed, 18 /* 0x + 16 */, true,
     Reading::Unsigned, JsonForm::String, KeyOrder::Unsigned},
    {ColumnKind::Ufid, "ufid", 0, TextWidth::Fixed, 41 /* ufid: + 8-4-4-4-12 */,
     false, Reading::None, JsonForm::String, KeyOrder::Words},
    {ColumnKind::String, "string", 1, TextWidth::Size, 0, false, Reading::None,
     JsonForm::String, KeyOrder::Text},
    {ColumnKind::Ipv4, "ipv4", 1, TextWidth::Fixed, 15 /* 255.255.255.255 */,
     false, Reading::None, JsonForm::String, KeyOrder::Bytes},
    {ColumnKind::Ipv6, "ipv6", 1, TextWidth::Fixed, 39 /* 8 groups, 7 ':' */,
     false, Reading::None, JsonForm::String, KeyOrder::Bytes},
    {ColumnKind::Mac, "mac", 1, TextWidth::Fixed, 17, false, Reading::None,
     JsonForm::String, KeyOrder::Bytes},
    {ColumnKind::FlowKey, "flow key", 8, TextWidth::Unbounded, 0, false,
     Reading::None, JsonForm::String, KeyOrder::Bytes},
};

constexpr bool column_kind_rows_in_order() {
  for (size_t i = 0; i < std::size(kColumnKinds); ++i)
    if (static_cast<size_t>(kColumnKinds[i].kind) != i) return false;
  return true;
}
static_assert(column_kind_rows_in_order(),
              "kColumnKinds has one row per ColumnKind, in its order");

constexpr const ColumnKindInfo& column_kind_info(ColumnKind kind) {
  return kColumnKinds[static_cast<size_t>(kind)];
}

// Where a column of `kind` and `size` bytes starts in an event: a multiple
// of this.
constexpr uint32_t column_alignment(ColumnKind kind, uint32_t size) {
  uint32_t a = column_kind_info(kind).alignment;
  if (a != 0) return a;
  return size == 0 ? 1 : size < 8 ? size : 8;
}

}  // namespace ovsq::runtime
