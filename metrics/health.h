#pragma once
// ovsq's own metrics, beside the query's (docs/metrics.md lists them): its
// version, whether and to what it is attached, events and lost events,
// full-map drops by statement, series left out by --metrics-max-series.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"

namespace ovsq::metrics {

// What they say, as the exporter stands at a scrape.
struct Health {
  std::string version;
  std::string query;  // the query's source name
  bool attached = false;
  pid_t pid = 0;  // 0: none, or every process of a binary
  uint64_t attaches = 0;
  uint64_t events = 0, lost = 0;
  // Each statement that updates a map, and the updates refused.
  std::vector<std::pair<const runtime::MapUpdateSite*, uint64_t>> map_full;
  std::map<std::string, size_t> series_dropped;  // by aggregation title
};

// Appends them, each name after `prefix`.
void write_health(std::string& out, std::string_view prefix, const Health& health);

// Whether `name` (prefix included) is one of them: an aggregation may not
// take it.
bool is_health_metric(std::string_view prefix, std::string_view name);

}  // namespace ovsq::metrics
