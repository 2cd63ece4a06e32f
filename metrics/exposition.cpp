#include "metrics/exposition.h"

namespace ovsq::metrics {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Shared by metric and label names: `extra` is ':' for metric names.
std::string sanitize(std::string_view name, bool allow_colon) {
  std::string out;
  for (char c : name) {
    bool ok = is_letter(c) || is_digit(c) || c == '_' || (allow_colon && c == ':');
    char put = ok ? c : '_';
    if (put == '_' && !out.empty() && out.back() == '_') continue;
    out += put;
  }
  if (!out.empty() && is_digit(out.front())) out.insert(out.begin(), '_');
  return out;
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
    case MetricType::Summary: return "summary";
  }
  return "untyped";
}

// name{a="x",b="y"[,le="..."]} value
void write_sample(std::string& out, std::string_view name, const MetricFamily& family,
                  const Series& series, std::string_view le, std::string_view value) {
  out += name;
  size_t labels = family.label_names.size();
  if (labels > 0 || !le.empty()) {
    out += '{';
    for (size_t i = 0; i < labels; ++i) {
      if (i) out += ',';
      out += family.label_names[i];
      out += "=\"";
      out += escape_label_value(i < series.label_values.size() ? series.label_values[i] : "");
      out += '"';
    }
    if (!le.empty()) {
      if (labels) out += ',';
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void write_sum_and_count(std::string& out, const MetricFamily& family,
                         const Series& series) {
  write_sample(out, family.name + "_sum", family, series, "", std::to_string(series.sum));
  write_sample(out, family.name + "_count", family, series, "",
               std::to_string(series.count));
}

void write_histogram(std::string& out, const MetricFamily& family, const Series& series) {
  const std::string bucket = family.name + "_bucket";
  uint64_t cumulative = 0;
  size_t next = 0;  // the first of the series' buckets not yet added
  for (int64_t bound : family.bounds) {
    while (next < series.buckets.size() && series.buckets[next].first <= bound)
      cumulative += series.buckets[next++].second;
    write_sample(out, bucket, family, series, std::to_string(bound),
                 std::to_string(cumulative));
  }
  write_sample(out, bucket, family, series, "+Inf", std::to_string(series.count));
  write_sum_and_count(out, family, series);
}

}  // namespace

void write_family(std::string& out, const MetricFamily& family) {
  out += "# HELP " + family.name + " " + escape_help(family.help) + "\n";
  out += "# TYPE " + family.name + " " + type_name(family.type) + "\n";
  for (const Series& series : family.series) {
    if (family.type == MetricType::Histogram)
      write_histogram(out, family, series);
    else if (family.type == MetricType::Summary)
      write_sum_and_count(out, family, series);
    else
      write_sample(out, family.name, family, series, "", series.value);
  }
}

std::string sanitize_metric_name(std::string_view name) { return sanitize(name, true); }

std::string sanitize_label_name(std::string_view name) {
  std::string out = sanitize(name, false);
  size_t underscores = out.find_first_not_of('_');
  out.erase(0, underscores == std::string::npos ? out.size() : underscores);
  if (!out.empty() && is_digit(out.front())) out.insert(out.begin(), '_');
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace ovsq::metrics
