#pragma once
// Prometheus' text exposition format (version 0.0.4), written by hand:
// metric families with their # HELP and # TYPE lines, label values escaped,
// histograms' buckets made cumulative.  Pure functions of the families, so
// every rule is unit-tested (tests/unit/metrics_exposition_test.cpp) and
// checked with `promtool check metrics`.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ovsq::metrics {

enum class MetricType { Counter, Gauge, Histogram, Summary };

// One label set of a family and its value.  Counters and gauges: `value`,
// an integer already in decimal (counts are unsigned, sums and gauges
// signed: the text keeps every digit, where a double would not).
// Histograms: `buckets`, each (le, count) the observations in that bucket
// alone (not cumulative), in increasing le; `count` every observation,
// those above the last finite bound included; `sum` their sum.  Summaries
// (without quantiles): `count` and `sum` alone.
struct Series {
  Series() = default;
  explicit Series(std::vector<std::string> labels, std::string value = "")
      : label_values(std::move(labels)), value(std::move(value)) {}
  std::vector<std::string> label_values;  // in MetricFamily::label_names order
  std::string value;
  std::vector<std::pair<int64_t, uint64_t>> buckets;
  uint64_t count = 0;
  int64_t sum = 0;
};

struct MetricFamily {
  MetricFamily() = default;
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names = {})
      : name(std::move(name)), help(std::move(help)), type(type),
        label_names(std::move(label_names)) {}
  std::string name;  // as written: a counter's ends in _total
  std::string help;
  MetricType type = MetricType::Gauge;
  std::vector<std::string> label_names;
  // Histograms: the finite `le` bounds every series is written with, in
  // increasing order; +Inf follows them.  A bound that is no series'
  // bucket edge still reads exactly (cumulative counts of integer values).
  std::vector<int64_t> bounds;
  std::vector<Series> series;
};

// Appends the family to `out`: # HELP, # TYPE, then a line per series (a
// histogram: _bucket per bound and +Inf, cumulative, then _sum and
// _count; a summary: _sum and _count).  A family with no series is written with its HELP and TYPE
// only.
void write_family(std::string& out, const MetricFamily& family);

// A metric name Prometheus accepts, [a-zA-Z_:][a-zA-Z0-9_:]*: every other
// character becomes '_', runs of '_' are squeezed, and a leading digit gets
// a '_' before it.  Empty stays empty.
std::string sanitize_metric_name(std::string_view name);
// A label name, [a-zA-Z_][a-zA-Z0-9_]*, the same way; leading underscores
// are dropped, as "__" names are Prometheus' own ("udpif->n_flows" is
// "udpif_n_flows").
std::string sanitize_label_name(std::string_view name);
// A label value between double quotes: \ " and newline escaped.
std::string escape_label_value(std::string_view value);
// A # HELP text: \ and newline escaped.
std::string escape_help(std::string_view help);

// The Content-Type of what write_family writes.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace ovsq::metrics
