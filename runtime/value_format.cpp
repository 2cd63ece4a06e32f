#include "runtime/value_format.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "runtime/odp_flow_format.h"
#include "runtime/odp_key_format.h"

namespace ovsq::runtime {
namespace {

// The low `digits` hex digits of `v`, zero-padded, lower case.
char* put_hex(char* out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[i] = "0123456789abcdef"[v & 0xf];
  return out + digits;
}


void append_hex_byte(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('\\');
  out.push_back('x');
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 15]);
}

template <typename T>
void append_number(std::string& out, T value, int base = 10) {
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, value, base).ptr;
  out.append(buf, end);
}

// The value as printf's integer conversions see it; false when the column
// is not a number.
bool integer_value(const Column& c, const uint8_t* base, bool& is_signed,
                   uint64_t& bits) {
  const uint8_t* p = base + c.offset;
  switch (column_kind_info(c.kind).reading) {
    case Reading::Unsigned:
      is_signed = false;
      bits = read_unsigned(p, c.size);
      return true;
    case Reading::Signed:
      is_signed = true;
      bits = static_cast<uint64_t>(read_signed(p, c.size));
      return true;
    case Reading::Bool:
      is_signed = false;
      bits = read_unsigned(p, c.size) != 0;
      return true;
    case Reading::Enum:
      is_signed = enum_is_signed(c);
      bits = is_signed ? static_cast<uint64_t>(read_signed(p, c.size))
                       : read_unsigned(p, c.size);
      return true;
    case Reading::None: return false;
  }
  return false;
}

// %s semantics: at most `precision` bytes, padded to `width`.
void append_padded(std::string& out, std::string_view text, int width,
                   int precision, bool left) {
  if (precision >= 0 && text.size() > static_cast<size_t>(precision))
    text = text.substr(0, precision);
  size_t pad = width > 0 && text.size() < static_cast<size_t>(width)
                   ? width - text.size()
                   : 0;
  if (!left) out.append(pad, ' ');
  out.append(text);
  if (left) out.append(pad, ' ');
}

}  // namespace

uint64_t read_unsigned(const uint8_t* p, uint32_t size) {
  uint64_t v = 0;
  std::memcpy(&v, p, std::min<uint32_t>(size, 8));
  return v;
}

int64_t read_signed(const uint8_t* p, uint32_t size) {
  uint64_t v = read_unsigned(p, size);
  if (size >= 8 || size == 0) return static_cast<int64_t>(v);
  unsigned shift = 64 - 8 * size;
  return static_cast<int64_t>(v << shift) >> shift;
}

bool enum_is_signed(const Column& column) {
  for (const auto& [value, name] : column.enumerators)
    if (value < 0) return true;
  return false;
}

bool is_right_aligned(ColumnKind kind) {
  return column_kind_info(kind).right_aligned;
}

void append_printable(std::string& out, std::string_view text) {
  for (char ch : text) {
    auto byte = static_cast<uint8_t>(ch);
    if (byte >= 0x20 && byte < 0x7f)
      out.push_back(ch);
    else
      append_hex_byte(out, byte);
  }
}

void append_value(std::string& out, const Column& col, const uint8_t* base) {
  const uint8_t* p = base + col.offset;
  switch (col.kind) {
    case ColumnKind::Unsigned:
      append_number(out, read_unsigned(p, col.size));
      return;
    case ColumnKind::Signed:
      append_number(out, read_signed(p, col.size));
      return;
    case ColumnKind::Bool:
      out.append(read_unsigned(p, col.size) != 0 ? "true" : "false");
      return;
    case ColumnKind::Pointer:
      out.append("0x");
      append_number(out, read_unsigned(p, col.size), 16);
      return;
    case ColumnKind::Enum: {
      bool is_signed = enum_is_signed(col);
      int64_t value = is_signed
                          ? read_signed(p, col.size)
                          : static_cast<int64_t>(read_unsigned(p, col.size));
      for (const auto& [v, name] : col.enumerators)
        if (v == value) {
          out.append(name);
          return;
        }
      if (is_signed)
        append_number(out, value);
      else
        append_number(out, static_cast<uint64_t>(value));
      return;
    }
    case ColumnKind::Ufid: {
      uint32_t u[4] = {};
      std::memcpy(u, p, std::min<size_t>(sizeof u, col.size));
      // ufid:%08x-%04x-%04x-%04x-%04x%08x of u[0], u[1] >> 16,
      // u[1] & 0xffff, u[2] >> 16, u[2] & 0xffff, u[3], written by hand:
      // snprintf was half of the time it takes to print a ufid event.
      char buf[41] = {'u', 'f', 'i', 'd', ':'};
      char* q = put_hex(buf + 5, u[0], 8);
      *q++ = '-';
      q = put_hex(q, u[1] >> 16, 4);
      *q++ = '-';
      q = put_hex(q, u[1] & 0xffff, 4);
      *q++ = '-';
      q = put_hex(q, u[2] >> 16, 4);
      *q++ = '-';
      q = put_hex(q, u[2] & 0xffff, 4);
      q = put_hex(q, u[3], 8);
      out.append(buf, static_cast<size_t>(q - buf));
      return;
    }
    case ColumnKind::String: {
      const char* s = reinterpret_cast<const char*>(p);
      const void* nul = std::memchr(s, 0, col.size);
      size_t n = nul ? static_cast<const char*>(nul) - s : col.size;
      append_printable(out, std::string_view(s, n));
      return;
    }
    case ColumnKind::Ipv4: append_ipv4(out, p); return;
    case ColumnKind::Ipv6: append_ipv6(out, p); return;
    case ColumnKind::Mac: append_mac(out, p); return;
    case ColumnKind::FlowKey: {
      uint32_t half = col.masked ? col.size / 2 : col.size;  // the key's
      uint64_t key_len = read_unsigned(p, 8);
      uint32_t copied = uint32_t(read_unsigned(p + 8, 4));
      uint32_t capacity = half > 16 ? half - 16 : 0;
      if (key_len == 0) {
        out.append("(empty key)");
      } else if (copied == 0) {
        out.append("(key unreadable: ");
        append_number(out, key_len);
        out.append(" bytes)");
      } else if (col.masked) {
        const uint8_t* m = p + half;
        uint64_t mask_len = read_unsigned(m, 8);
        uint32_t mask_copied = uint32_t(read_unsigned(m + 8, 4));
        // An unreadable mask: the key alone, as if every field were exact.
        format_odp_flow(out, p + 16, std::min(copied, capacity), key_len,
                        mask_copied ? m + 16 : nullptr, std::min(mask_copied, capacity),
                        mask_copied ? mask_len : 0);
      } else {
        format_odp_key(out, p + 16, std::min(copied, capacity), key_len);
      }
      return;
    }
  }
}

std::string value_text(const Column& column, const uint8_t* base) {
  std::string out;
  append_value(out, column, base);
  return out;
}

size_t required_size(const EventLayout& layout) {
  size_t size = std::max<size_t>(layout.size, 8);
  for (const Column& c : layout.columns)
    size = std::max<size_t>(size, size_t{c.offset} + c.size);
  return size;
}

std::string layout_label(const EventLayout& layout) {
  return layout.label.empty() ? "#" + std::to_string(layout.id) : layout.label;
}

// ---- printf ----------------------------------------------------------------

PrintfFormat::PrintfFormat(const EventLayout& layout)
    : columns_(layout.columns) {
  for (const PrintfPiece& piece : layout.printf_pieces) {
    Piece p;
    p.literal = piece.literal;
    if (piece.column >= 0 &&
        static_cast<size_t>(piece.column) < columns_.size()) {
      p.column = piece.column;
      p.spec = piece.conversion;
    }
    pieces_.push_back(std::move(p));
  }
}

void PrintfFormat::append(std::string& out, const uint8_t* event) const {
  for (const Piece& piece : pieces_) {
    out.append(piece.literal);
    if (piece.column < 0) continue;
    const Column& col = columns_[piece.column];
    const PrintfConversion& s = piece.spec;
    bool is_signed = false;
    uint64_t bits = 0;
    bool numeric = integer_value(col, event, is_signed, bits);
    char letter = !numeric ? 's' : s.letter == 'i' ? 'd' : s.letter;
    switch (letter) {
      case 'd':
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        // Rebuilt from the parts: "%" flags width .precision "ll" letter.
        char fmt[32];
        char* f = fmt;
        *f++ = '%';
        if (s.minus) *f++ = '-';
        if (letter == 'd' && s.plus) *f++ = '+';
        if (letter == 'd' && s.space) *f++ = ' ';
        if (letter != 'd' && letter != 'u' && s.hash) *f++ = '#';
        if (s.zero) *f++ = '0';
        if (s.width >= 0) f = std::to_chars(f, fmt + 20, s.width).ptr;
        if (s.precision >= 0) {
          *f++ = '.';
          f = std::to_chars(f, fmt + 25, s.precision).ptr;
        }
        *f++ = 'l';
        *f++ = 'l';
        *f++ = letter;
        *f = '\0';
        char buf[2 * kMaxPrintfWidth + 32];
        int n = letter == 'd'
                    ? std::snprintf(buf, sizeof buf, fmt,
                                    static_cast<long long>(bits))
                    : std::snprintf(buf, sizeof buf, fmt,
                                    static_cast<unsigned long long>(bits));
        if (n > 0)
          out.append(buf, std::min<size_t>(static_cast<size_t>(n),
                                           sizeof buf - 1));
        break;
      }
      case 'c': {
        char byte = static_cast<char>(bits & 0xff);
        std::string ch;
        append_printable(ch, std::string_view(&byte, 1));
        append_padded(out, ch, s.width, -1, s.minus);
        break;
      }
      case 'p': {
        std::string text = "0x";
        append_number(text, bits, 16);
        append_padded(out, text, s.width, -1, s.minus);
        break;
      }
      default: {
        std::string text;
        append_value(text, col, event);
        append_padded(out, text, s.width, s.precision, s.minus);
        break;
      }
    }
  }
}

}  // namespace ovsq::runtime
