#include "pipeline/settings.h"

#include <charconv>

namespace ovsq::pipeline {
namespace {

std::optional<int64_t> parse_number(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const char* format_name(runtime::OutputFormat format) {
  switch (format) {
    case runtime::OutputFormat::Text: return "text";
    case runtime::OutputFormat::Json: return "json";
    case runtime::OutputFormat::Csv: return "csv";
  }
  return "text";
}

std::optional<std::string> set_format(QuerySettings& s, std::string_view v) {
  if (v == "text") s.format = runtime::OutputFormat::Text;
  else if (v == "json") s.format = runtime::OutputFormat::Json;
  else if (v == "csv") s.format = runtime::OutputFormat::Csv;
  else return "needs text, json or csv, not '" + std::string(v) + "'";
  return std::nullopt;
}

std::optional<std::string> set_output(QuerySettings& s, std::string_view v) {
  s.output = v == "-" ? "" : std::string(v);
  return std::nullopt;
}

std::optional<std::string> set_ring_pages(QuerySettings& s, std::string_view v) {
  std::optional<int64_t> n = parse_number(v);
  if (!n || *n <= 0 || *n > (1 << 18) || (*n & (*n - 1)) != 0)
    return std::string("needs a power of two from 1 to 262144");
  s.ring_pages = uint32_t(*n);
  return std::nullopt;
}

std::optional<std::string> set_map_entries(QuerySettings& s, std::string_view v) {
  std::optional<int64_t> n = parse_number(v);
  if (!n || *n <= 0 || *n > (1 << 24)) return std::string("needs a number from 1 to 16777216");
  s.map_entries = uint32_t(*n);
  return std::nullopt;
}

std::optional<std::string> set_flow_key_size(QuerySettings& s, std::string_view v) {
  std::optional<int64_t> n = parse_number(v);
  if (!n || *n < 16 || *n > 2048) return std::string("needs a number of bytes from 16 to 2048");
  s.flow_key_size = uint32_t(*n + 7) / 8 * 8;  // events keep 8-byte alignment
  return std::nullopt;
}

std::string or_default(uint32_t n, const char* fallback) {
  return n ? std::to_string(n) : fallback;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs = {
      {"format", "format,f", "text|json|csv", "how to print what the query prints: text (default), json or csv",
       set_format, [](const QuerySettings& s) { return std::string(format_name(s.format)); }},
      {"output", "output,o", "FILE", "write the query's output (or --emit's) to this file instead of stdout",
       set_output, [](const QuerySettings& s) { return s.output.empty() ? std::string("-") : s.output; }},
      {"ring-pages", "ring-pages", "N",
       "size of the events ring buffer in pages, a power of two (default 256: 1 MiB)",
       set_ring_pages, [](const QuerySettings& s) { return or_default(s.ring_pages, "256"); }},
      {"map-entries", "map-entries", "N", "entries of every map and aggregation (default 10240)",
       set_map_entries, [](const QuerySettings& s) { return or_default(s.map_entries, "10240"); }},
      {"flow-key-size", "flow-key-size", "N",
       "copy at most N bytes of each flow key printed (16 to 2048, default 256)",
       set_flow_key_size, [](const QuerySettings& s) { return std::to_string(s.flow_key_size); }},
  };
  return specs;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const SettingSpec& spec : setting_specs())
    if (name == spec.name) return &spec;
  return nullptr;
}

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const SettingSpec& spec : setting_specs()) names.push_back(spec.name);
  return names;
}

}  // namespace ovsq::pipeline
