#include "runtime/event_printer.h"

#include <algorithm>
#include <cstring>
#include <ostream>

namespace ovsq::runtime {
namespace {

constexpr std::string_view kSeparator = "  ";

size_t integer_width(uint32_t size, bool is_signed) {
  switch (size) {
    case 1: return is_signed ? 4 : 3;    // -128, 255
    case 2: return is_signed ? 6 : 5;    // -32768, 65535
    case 4: return is_signed ? 11 : 10;  // -2147483648, 4294967295
    default: return 20;  // -9223372036854775808, 18446744073709551615
  }
}

}  // namespace

size_t column_width(const Column& column) {
  const ColumnKindInfo& info = column_kind_info(column.kind);
  size_t width = 0;
  switch (info.text_width) {
    case TextWidth::Fixed: width = info.width; break;
    case TextWidth::Integer:
      width = integer_width(column.size, info.reading == Reading::Signed);
      break;
    case TextWidth::Size: width = column.size; break;
    case TextWidth::Enumerators:
      for (const auto& [value, name] : column.enumerators)
        width = std::max(width, name.size());
      break;
    case TextWidth::Unbounded: break;  // as long as the text: not padded
  }
  return std::max(width, column.header.size());
}

EventPrinter::EventPrinter(const std::vector<EventLayout>& layouts)
    : index_(layouts), text_(index_.all().size()) {
  for (size_t id = 0; id < index_.all().size(); ++id) {
    const Prepared& p = index_.all()[id];
    if (!p.present || p.layout.is_printf) continue;
    if (index_.row_layouts() > 1) {
      text_[id].label = p.label;
      label_width_ = std::max(label_width_, p.label.size());
    }
    for (const Column& column : p.layout.columns)
      text_[id].columns.push_back(
          {column, column_width(column), is_right_aligned(column.kind)});
  }
}

void EventPrinter::append_cell(std::string_view text, size_t width,
                               bool right_aligned, bool last) {
  size_t pad = text.size() < width ? width - text.size() : 0;
  if (right_aligned) line_.append(pad, ' ');
  line_.append(text);
  if (!right_aligned && !last) line_.append(pad, ' ');
}

void EventPrinter::print_header(std::ostream& out) {
  for (size_t id = 0; id < text_.size(); ++id) {
    const Prepared& p = index_.all()[id];
    if (!p.present || p.layout.is_printf) continue;
    const TextLayout& layout = text_[id];
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
  const Prepared* p = nullptr;
  LayoutIndex::Found found = index_.find(event, p);
  if (found != LayoutIndex::Found::Layout) return found == LayoutIndex::Found::Exit;
  line_.clear();
  if (p->layout.is_printf) {
    p->printf.append(line_, event.data());
    out.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    return true;
  }
  const TextLayout& layout = text_[p->layout.id];
  if (label_width_ > 0)
    append_cell(layout.label, label_width_, false, layout.columns.empty());
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const PreparedColumn& c = layout.columns[i];
    if (label_width_ > 0 || i > 0) line_.append(kSeparator);
    value_.clear();
    append_value(value_, c.column, event.data());
    append_cell(value_, c.width, c.right_aligned,
                i + 1 == layout.columns.size());
  }
  // An empty last value (a string, say) leaves no trailing spaces.
  if (!layout.columns.empty() && value_.empty())
    while (!line_.empty() && line_.back() == ' ') line_.pop_back();
  line_.push_back('\n');
  out.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  return true;
}

}  // namespace ovsq::runtime
