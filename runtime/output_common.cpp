// The pieces runtime/output_common.h declares for the three Output formats.
#include "runtime/output_common.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ovsq::runtime::output_detail {
namespace {

// "cpu 0: 3, cpu 2: 5": the CPUs that lost any.
std::string per_cpu_text(const std::vector<uint64_t>& per_cpu,
                         size_t* cpus = nullptr) {
  std::string s;
  size_t n = 0;
  for (size_t cpu = 0; cpu < per_cpu.size(); ++cpu) {
    if (per_cpu[cpu] == 0) continue;
    if (n++ > 0) s += ", ";
    s += "cpu " + number(cpu) + ": " + number(per_cpu[cpu]);
  }
  if (cpus) *cpus = n;
  return s;
}

}  // namespace

// ---- numbers and times ------------------------------------------------------

std::string utc_time(std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(tp.time_since_epoch());
  auto secs = floor<seconds>(ms);
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>((ms - secs).count()));
  return buf;
}

std::string local_time(std::chrono::system_clock::time_point tp) {
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// ---- aggregations -----------------------------------------------------------

std::vector<std::string> value_headers(const AggregationMap& map) {
  std::vector<std::string> headers;
  for (size_t i = 0; i < aggregation_value_count(map.kind); ++i)
    headers.push_back(aggregation_info(map.kind).values[i].name);
  return headers;
}

std::string value_text(const AggregationValue& value) {
  return value.is_unsigned ? number(static_cast<uint64_t>(value.value))
                           : number(value.value);
}

std::string json_value_name(const AggregationMap& map, const AggregationValue& value) {
  return std::string_view(value.name) == aggregation_name(map.kind) ? "value"
                                                                    : value.name;
}

// ---- status lines -----------------------------------------------------------

std::string lost_text(const LostReport& r) {
  if (r.count == 0) return {};
  std::string s = "Lost " + number(r.count) +
                  (r.count == 1 ? " event" : " events");
  size_t cpus = 0;
  std::string breakdown = per_cpu_text(r.per_cpu, &cpus);
  if (r.final) {
    s += " (ring buffer full)";
    if (cpus > 1) s += " (" + breakdown + ")";
  } else {
    s += " in the last interval";
    if (cpus > 0) s += " (" + breakdown + ")";
  }
  return s + ".\n";
}

std::string map_full_text(const MapFullReport& r) {
  if (r.site == nullptr || r.dropped == 0) return {};
  std::string s = "Map " + r.site->map + " is full (" +
                  number(r.site->max_entries) +
                  (r.site->max_entries == 1 ? " entry): " : " entries): ") +
                  number(r.dropped) +
                  (r.dropped == 1 ? " update dropped" : " updates dropped");
  if (!r.site->where.empty()) s += " at " + r.site->where;
  return s + ".\n";
}

}  // namespace ovsq::runtime::output_detail
