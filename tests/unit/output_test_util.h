#pragma once
// Synthetic layouts, events and aggregation map contents for the output
// tests.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/output.h"

namespace ovsq::runtime::test {

inline Column column(std::string header, ColumnKind kind, uint32_t offset,
                     uint32_t size) {
  Column c;
  c.header = std::move(header);
  c.kind = kind;
  c.offset = offset;
  c.size = size;
  return c;
}

inline Column enum_column(std::string header, uint32_t offset, uint32_t size,
                          std::vector<std::pair<int64_t, std::string>> values) {
  Column c = column(std::move(header), ColumnKind::Enum, offset, size);
  c.enumerators = std::move(values);
  return c;
}

// Raw bytes that set() and text() write values into.
struct Bytes {
  std::vector<uint8_t> bytes;
  explicit Bytes(size_t size) : bytes(size) {}
  template <typename T>
  Bytes& set(size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
    return *this;
  }
  Bytes& text(size_t offset, std::string_view s) {
    std::memcpy(bytes.data() + offset, s.data(), s.size());
    return *this;
  }
};

// An event of `size` bytes for layout `id`.
struct Event : Bytes {
  Event(uint32_t id, size_t size) : Bytes(size) { set<uint32_t>(0, id); }
  template <typename T>
  Event& set(size_t offset, T value) {
    Bytes::set(offset, value);
    return *this;
  }
  Event& text(size_t offset, std::string_view s) {
    Bytes::text(offset, s);
    return *this;
  }
};

// u64 words, as a key or as per-CPU values of 8 bytes each.
inline std::vector<uint8_t> words(std::initializer_list<uint64_t> values) {
  std::vector<uint8_t> out(values.size() * 8);
  size_t i = 0;
  for (uint64_t v : values) std::memcpy(out.data() + 8 * i++, &v, 8);
  return out;
}

// A hist/lhist bucket's per-CPU values: each CPU's count, with a sum of 0.
inline std::vector<uint8_t> bucket_counts(std::initializer_list<uint64_t> counts) {
  std::vector<uint8_t> out;
  for (uint64_t count : counts)
    for (uint64_t word : {count, uint64_t{0}})
      for (int i = 0; i < 8; ++i) out.push_back(uint8_t(word >> (8 * i)));
  return out;
}

inline RawEntry entry(std::vector<uint8_t> key, std::vector<uint8_t> values) {
  return RawEntry{std::move(key), std::move(values)};
}

inline AggregationMap aggregation(std::string title, AggregationKind kind,
                                  std::vector<Column> keys, uint32_t key_size) {
  AggregationMap map;
  map.bpf_name = "agg";
  map.title = std::move(title);
  map.kind = kind;
  map.keys = std::move(keys);
  map.key_size = key_size;
  map.value_size = aggregation_value_size(kind);
  return map;
}

// A printf piece whose conversion is parsed as the frontend parses it
// (support/printf_conversion.h); one that does not parse formats as %s,
// which is also what a frontend that refused it would leave.
inline PrintfPiece piece(std::string literal, int column,
                         std::string_view conversion) {
  PrintfPiece p{std::move(literal), column, {}};
  if (conversion.starts_with("%")) {
    PrintfParse parsed = parse_printf_conversion(conversion);
    if (parsed.ok && parsed.length == conversion.size()) p.conversion = parsed.conversion;
  }
  return p;
}

// 2026-11-25T14:03:07.123Z
inline std::chrono::system_clock::time_point test_time() {
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(1795615387) + std::chrono::milliseconds(123));
}

}  // namespace ovsq::runtime::test
