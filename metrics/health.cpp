#include "metrics/health.h"

#include "metrics/exposition.h"

namespace ovsq::metrics {
namespace {

// Their names after the prefix: write_health writes each, and no
// aggregation may take one.
constexpr const char* kNames[] = {
    "build_info",   "attached",          "traced_pid",           "attaches_total",
    "events_total", "lost_events_total", "map_full_drops_total", "series_dropped"};

std::string named(std::string_view prefix, std::string_view suffix) {
  return sanitize_metric_name(std::string(prefix) + std::string(suffix));
}

}  // namespace

void write_health(std::string& out, std::string_view prefix, const Health& h) {
  auto family = [&](const char* suffix, MetricType type, const char* help,
                    std::vector<std::string> labels = {}) {
    return MetricFamily(named(prefix, suffix), help, type, std::move(labels));
  };
  auto single = [&](const char* suffix, MetricType type, const char* help, uint64_t value) {
    MetricFamily f = family(suffix, type, help);
    f.series.push_back(Series({}, std::to_string(value)));
    write_family(out, f);
  };
  MetricFamily build = family("build_info", MetricType::Gauge, "ovsq's version; always 1",
                              {"version"});
  build.series.push_back(Series({h.version}, "1"));
  write_family(out, build);
  single("attached", MetricType::Gauge,
         "1 while the query is attached to the traced process, else 0", h.attached);
  single("traced_pid", MetricType::Gauge,
         "the PID the query is attached to (0: none, or every process of a binary)",
         h.attached ? uint64_t(h.pid) : 0);
  single("attaches_total", MetricType::Counter,
         "times the query was attached (once, and again for each vswitchd followed)",
         h.attaches);

  MetricFamily events = family("events_total", MetricType::Counter,
                               "rows and printf lines the query's probes sent (not printed)",
                               {"query"});
  events.series.push_back(Series({h.query}, std::to_string(h.events)));
  write_family(out, events);
  MetricFamily lost = family("lost_events_total", MetricType::Counter,
                             "events the ring buffer had no room for", {"query"});
  lost.series.push_back(Series({h.query}, std::to_string(h.lost)));
  write_family(out, lost);

  MetricFamily full = family("map_full_drops_total", MetricType::Counter,
                             "updates a full map refused (--map-entries), by statement",
                             {"map", "statement"});
  for (const auto& [site, drops] : h.map_full)
    full.series.push_back(Series({site->map, site->where}, std::to_string(drops)));
  write_family(out, full);
  MetricFamily dropped = family("series_dropped", MetricType::Gauge,
                                "series left out of the last scrape by --metrics-max-series",
                                {"aggregation"});
  for (const auto& [title, n] : h.series_dropped)
    dropped.series.push_back(Series({title}, std::to_string(n)));
  write_family(out, dropped);
}

bool is_health_metric(std::string_view prefix, std::string_view name) {
  for (const char* suffix : kNames)
    if (name == named(prefix, suffix)) return true;
  return false;
}

}  // namespace ovsq::metrics
