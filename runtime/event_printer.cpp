#include "runtime/event_printer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ostream>

namespace ovsq::runtime {
namespace {

constexpr std::string_view kSeparator = "  ";
constexpr size_t kUfidWidth = 41;     // "ufid:" + 8-4-4-4-12
constexpr size_t kPointerWidth = 18;  // "0x" + 16 hex digits
constexpr size_t kBoolWidth = 5;      // "false"

size_t integer_width(uint32_t size, bool is_signed) {
  switch (size) {
    case 1: return is_signed ? 4 : 3;    // -128, 255
    case 2: return is_signed ? 6 : 5;    // -32768, 65535
    case 4: return is_signed ? 11 : 10;  // -2147483648, 4294967295
    default: return 20;  // -9223372036854775808, 18446744073709551615
  }
}

bool is_number(ColumnKind kind) {
  return kind == ColumnKind::Unsigned || kind == ColumnKind::Signed ||
         kind == ColumnKind::Pointer;
}

// The column's bytes, zero-extended (the wire format is little-endian, as
// is the host).
uint64_t read_unsigned(const uint8_t* p, uint32_t size) {
  uint64_t v = 0;
  std::memcpy(&v, p, std::min<uint32_t>(size, 8));
  return v;
}

int64_t read_signed(const uint8_t* p, uint32_t size) {
  uint64_t v = read_unsigned(p, size);
  if (size >= 8) return static_cast<int64_t>(v);
  unsigned shift = 64 - 8 * size;
  return static_cast<int64_t>(v << shift) >> shift;
}

}  // namespace

size_t column_width(const Column& column) {
  size_t width = 0;
  switch (column.kind) {
    case ColumnKind::Unsigned: width = integer_width(column.size, false); break;
    case ColumnKind::Signed: width = integer_width(column.size, true); break;
    case ColumnKind::Bool: width = kBoolWidth; break;
    case ColumnKind::Pointer: width = kPointerWidth; break;
    case ColumnKind::Ufid: width = kUfidWidth; break;
    case ColumnKind::Enum:
      for (const auto& [value, name] : column.enumerators)
        width = std::max(width, name.size());
      break;
  }
  return std::max(width, column.header.size());
}

EventPrinter::EventPrinter(const std::vector<EventLayout>& layouts) {
  for (const EventLayout& layout : layouts) {
    if (layout.id >= layouts_.size()) layouts_.resize(layout.id + 1);
    PreparedLayout& p = layouts_[layout.id];
    p.present = true;
    if (layouts.size() > 1) {
      p.label = layout.label.empty() ? "#" + std::to_string(layout.id)
                                     : layout.label;
      label_width_ = std::max(label_width_, p.label.size());
    }
    p.min_size = std::max<size_t>(layout.size, 8);
    for (const Column& column : layout.columns) {
      PreparedColumn c{column, column_width(column), is_number(column.kind)};
      for (const auto& [value, name] : column.enumerators)
        if (value < 0) c.signed_enum = true;
      p.min_size = std::max<size_t>(p.min_size, column.offset + column.size);
      p.columns.push_back(std::move(c));
    }
  }
}

void EventPrinter::append_cell(std::string_view text, size_t width,
                               bool right_aligned, bool last) {
  size_t pad = text.size() < width ? width - text.size() : 0;
  if (right_aligned) line_.append(pad, ' ');
  line_.append(text);
  if (!right_aligned && !last) line_.append(pad, ' ');
}

std::string_view EventPrinter::format_value(const PreparedColumn& c,
                                            const uint8_t* data) {
  const Column& col = c.column;
  const uint8_t* p = data + col.offset;
  char* const begin = scratch_;
  char* const end = scratch_ + sizeof scratch_;
  char* out = begin;
  switch (col.kind) {
    case ColumnKind::Unsigned:
      out = std::to_chars(begin, end, read_unsigned(p, col.size)).ptr;
      break;
    case ColumnKind::Signed:
      out = std::to_chars(begin, end, read_signed(p, col.size)).ptr;
      break;
    case ColumnKind::Bool:
      return read_unsigned(p, col.size) != 0 ? "true" : "false";
    case ColumnKind::Pointer:
      *out++ = '0';
      *out++ = 'x';
      out = std::to_chars(out, end, read_unsigned(p, col.size), 16).ptr;
      break;
    case ColumnKind::Enum: {
      int64_t value = c.signed_enum
                          ? read_signed(p, col.size)
                          : static_cast<int64_t>(read_unsigned(p, col.size));
      for (const auto& [v, name] : col.enumerators)
        if (v == value) return name;
      out = c.signed_enum
                ? std::to_chars(begin, end, value).ptr
                : std::to_chars(begin, end, static_cast<uint64_t>(value)).ptr;
      break;
    }
    case ColumnKind::Ufid: {
      uint32_t u[4];
      std::memcpy(u, p, sizeof u);
      int n = std::snprintf(begin, sizeof scratch_,
                            "ufid:%08x-%04x-%04x-%04x-%04x%08x", u[0],
                            u[1] >> 16, u[1] & 0xffff, u[2] >> 16,
                            u[2] & 0xffff, u[3]);
      out = begin + n;
      break;
    }
  }
  return std::string_view(begin, out - begin);
}

void EventPrinter::print_header(std::ostream& out) {
  for (const PreparedLayout& layout : layouts_) {
    if (!layout.present) continue;
    line_.clear();
    if (label_width_ > 0)
      append_cell(layout.label, label_width_, false, layout.columns.empty());
    for (size_t i = 0; i < layout.columns.size(); ++i) {
      const PreparedColumn& c = layout.columns[i];
      if (label_width_ > 0 || i > 0) line_.append(kSeparator);
      append_cell(c.column.header, c.width, c.right_aligned,
                  i + 1 == layout.columns.size());
    }
    line_.push_back('\n');
    out.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
}

bool EventPrinter::print_event(std::span<const uint8_t> event,
                               std::ostream& out) {
  if (event.size() < 8) return false;
  uint32_t id;
  std::memcpy(&id, event.data(), sizeof id);
  if (id >= layouts_.size() || !layouts_[id].present) return false;
  const PreparedLayout& layout = layouts_[id];
  if (event.size() < layout.min_size) return false;

  line_.clear();
  if (label_width_ > 0)
    append_cell(layout.label, label_width_, false, layout.columns.empty());
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const PreparedColumn& c = layout.columns[i];
    if (label_width_ > 0 || i > 0) line_.append(kSeparator);
    append_cell(format_value(c, event.data()), c.width, c.right_aligned,
                i + 1 == layout.columns.size());
  }
  line_.push_back('\n');
  out.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  return true;
}

}  // namespace ovsq::runtime
