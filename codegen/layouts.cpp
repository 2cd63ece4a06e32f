#include "codegen/layouts.h"

#include <algorithm>

#include "frontend/builtins.h"
#include "probes/catalog.h"

namespace ovsq::codegen {

using frontend::ValueType;

runtime::Column column_for(const ValueType& type, const std::string& header) {
  runtime::Column column;
  column.header = header;
  column.size = type.size == 0 ? 8 : type.size;
  switch (type.kind) {
    case ValueType::Kind::Integer:
      column.kind = type.is_signed ? runtime::ColumnKind::Signed
                                   : runtime::ColumnKind::Unsigned;
      break;
    case ValueType::Kind::Bool:
      column.kind = runtime::ColumnKind::Bool;
      column.size = 1;
      break;
    case ValueType::Kind::Enum:
      column.kind = runtime::ColumnKind::Enum;
      for (const probes::Enumerator& e : type.c_type->enumerators) {
        // meaning(reason): the same values, printed as what they mean.
        std::optional<std::string> meaning =
            type.meaning ? probes::enumerator_meaning(type.c_type->name, e.name)
                         : std::nullopt;
        column.enumerators.emplace_back(e.value, meaning ? *meaning : e.name);
      }
      break;
    case ValueType::Kind::Pointer:
      column.kind = runtime::ColumnKind::Pointer;
      column.size = 8;
      break;
    case ValueType::Kind::Ufid:
      column.kind = runtime::ColumnKind::Ufid;
      column.size = 16;
      break;
    case ValueType::Kind::String:
      column.kind = runtime::ColumnKind::String;
      break;
    case ValueType::Kind::Ipv4: column.kind = runtime::ColumnKind::Ipv4; break;
    case ValueType::Kind::Ipv6: column.kind = runtime::ColumnKind::Ipv6; break;
    case ValueType::Kind::Mac: column.kind = runtime::ColumnKind::Mac; break;
    case ValueType::Kind::FlowKey:
      column.kind = runtime::ColumnKind::FlowKey;
      column.size = kFlowKeyHeaderBytes + type.size;
      column.masked = type.masked;
      if (type.masked) column.size *= 2;  // the mask's half after the key's
      break;
    default:
      break;  // sema rejected everything else
  }
  return column;
}

runtime::EventLayout event_layout(const std::string& label,
                                  const std::vector<const frontend::Expr*>& exprs,
                                  const std::vector<std::string>& headers,
                                  uint32_t id) {
  runtime::EventLayout layout;
  layout.id = id;
  layout.label = label;
  uint32_t offset = kEventHeaderBytes;
  for (size_t i = 0; i < exprs.size(); ++i) {
    runtime::Column column = column_for(exprs[i]->type, headers[i]);
    uint32_t align = runtime::column_alignment(column.kind, column.size);
    offset = (offset + align - 1) / align * align;
    column.offset = offset;
    offset += column.size;
    layout.columns.push_back(std::move(column));
  }
  layout.size = (offset + 7) / 8 * 8;
  return layout;
}

namespace {
uint32_t round8(uint32_t n) { return (n + 7) / 8 * 8; }

}  // namespace

MapKeyLayout map_key_layout(const frontend::MapInfo& map) {
  MapKeyLayout layout;
  uint32_t offset = 0;
  for (size_t i = 0; i < map.key_types.size(); ++i) {
    const ValueType& type = map.key_types[i];
    runtime::Column column = column_for(
        type, i < map.key_headers.size() ? map.key_headers[i] : "");
    // Scalars are stored widened to 64 bits.
    if (type.is_scalar()) column.size = 8;
    column.offset = offset;
    offset += round8(column.size);
    layout.components.push_back(std::move(column));
  }
  if (map.is_aggregation && is_histogram(map.aggregation)) {
    layout.bucket_offset = offset;
    offset += 8;
  }
  layout.size = std::max<uint32_t>(offset, 8);
  return layout;
}

runtime::AggregationMap aggregation_map(const frontend::MapInfo& map,
                                        const std::string& bpf_name,
                                        uint32_t max_entries) {
  runtime::AggregationMap out;
  out.bpf_name = bpf_name;
  out.title = map.name;
  out.kind = map.aggregation;
  MapKeyLayout key = map_key_layout(map);
  out.keys = key.components;
  out.key_size = key.size;
  out.value_size = aggregation_value_size(map.aggregation);
  out.lhist_min = map.lhist_min;
  out.lhist_max = map.lhist_max;
  out.lhist_step = map.lhist_step;
  out.max_entries = max_entries;
  return out;
}

}  // namespace ovsq::codegen
