#pragma once
// How a query is compiled and printed, and the one table of those
// settings: the command line's options (--format, --ring-pages, ...) and
// the session's `.set NAME VALUE` both read it, so a setting, its values
// and its error message live in one row.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/output.h"

namespace ovsq::pipeline {

struct QuerySettings {
  runtime::OutputFormat format = runtime::OutputFormat::Text;
  std::string output;            // file, or "" for standard output
  uint32_t ring_pages = 0;       // 0: codegen's default
  uint32_t map_entries = 0;      // 0: codegen's default
  uint32_t flow_key_size = 256;  // key bytes an event copies
  std::vector<std::string> filter_flows;  // --filter-flows
};

struct SettingSpec {
  const char* name;    // "format": `.set format`, and the option --format
  const char* option;  // for Boost.ProgramOptions: "format,f"
  const char* value;  // "N", "text|json|csv", "FILE"
  const char* help;
  // Sets it from `value`, or returns why not ("needs a power of two from
  // 1 to 262144"; the caller names the setting).
  std::optional<std::string> (*set)(QuerySettings& settings, std::string_view value);
  // The value as `.set` lists it.
  std::string (*get)(const QuerySettings& settings);
};

// format, output, ring-pages, map-entries, flow-key-size.
const std::vector<SettingSpec>& setting_specs();
const SettingSpec* find_setting(std::string_view name);
std::vector<std::string> setting_names();

}  // namespace ovsq::pipeline
