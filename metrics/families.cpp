#include "metrics/families.h"

#include <algorithm>
#include <charconv>

#include "support/error.h"

namespace ovsq::metrics {
namespace {

using runtime::AggregationKind;
using runtime::AggregationMap;
using runtime::AggregationRow;

MetricType type_of(AggregationKind kind) {
  switch (kind) {
    case AggregationKind::Count:
    case AggregationKind::Sum: return MetricType::Counter;
    case AggregationKind::Avg:
    case AggregationKind::Min:
    case AggregationKind::Max: return MetricType::Gauge;
    case AggregationKind::Stats: return MetricType::Summary;  // avg = sum / count
    case AggregationKind::Hist:
    case AggregationKind::Lhist: return MetricType::Histogram;
  }
  return MetricType::Gauge;
}

// "ovsq_" + "deleted" -> "ovsq_deleted_total" for a counter (a name that
// already ends in _total keeps one).
std::string family_name(std::string_view prefix, std::string_view title, MetricType type) {
  std::string name = sanitize_metric_name(std::string(prefix) + std::string(title));
  if (type == MetricType::Counter && !name.ends_with("_total")) name += "_total";
  return name;
}

// The line of a MapUpdateSite's "file:LINE:COLUMN".
uint32_t line_of(std::string_view where) {
  size_t last = where.rfind(':');
  if (last == std::string_view::npos || last == 0) return 0;
  size_t before = where.rfind(':', last - 1);
  if (before == std::string_view::npos) return 0;
  uint32_t line = 0;
  std::string_view digits = where.substr(before + 1, last - before - 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), line);
  return line;
}

std::string trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  size_t last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

// The comment lines just above `line` ("# Flows deleted, by reason."),
// joined; else the statement's own line.
std::string help_for(const frontend::Source& source, uint32_t line) {
  if (line == 0) return "";
  std::vector<std::string> comment;
  for (uint32_t above = line - 1; above >= 1; --above) {
    std::string text = trim(source.line_text(above));
    if (text.empty() || text[0] != '#' || text.starts_with("#!")) break;
    comment.insert(comment.begin(), trim(std::string_view(text).substr(1)));
  }
  std::string help;
  for (const std::string& part : comment)
    if (!part.empty()) help += (help.empty() ? "" : " ") + part;
  return help.empty() ? trim(source.line_text(line)) : help;
}

// The first statement that updates `title`, for its line.
uint32_t first_line(const runtime::CompiledQuery& programs, const std::string& title) {
  for (const runtime::MapUpdateSite& site : programs.map_update_sites)
    if (site.map == title) return line_of(site.where);
  return 0;
}

std::vector<std::string> label_names_of(const AggregationMap& map, MetricType type) {
  std::vector<std::string> names;
  for (const runtime::Column& key : map.keys) {
    if (key.kind == runtime::ColumnKind::FlowKey)
      throw UserError("--metrics: " + map.title + " is keyed by '" + key.header +
                      "', a whole flow key, which cannot be a label: key it by "
                      "its fields, such as 'key.ipv4.src'");
    std::string name = sanitize_label_name(key.header);
    if (name.empty())
      throw UserError("--metrics: " + map.title + "'s key '" + key.header +
                      "' gives no label name: write it as a field or a name");
    if (type == MetricType::Histogram && name == "le")
      throw UserError("--metrics: " + map.title + "'s key '" + key.header +
                      "' would be the label 'le', which a histogram's buckets use");
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw UserError("--metrics: " + map.title + " has two keys with the label name '" +
                      name + "'");
    names.push_back(name);
  }
  return names;
}

}  // namespace

std::vector<FamilyPlan> plan_families(const runtime::CompiledQuery& programs,
                                      const frontend::Source& source,
                                      std::string_view prefix,
                                      std::vector<std::string>& warnings) {
  if (programs.every_ns != 0)
    throw UserError("--metrics reads the aggregations as they stand at each scrape; "
                    "'every' would empty them: leave it out");
  std::vector<FamilyPlan> plans;
  for (size_t i = 0; i < programs.aggregations.size(); ++i) {
    const AggregationMap& map = programs.aggregations[i];
    if (!map.title.starts_with("@")) {
      warnings.push_back("'" + map.title +
                         "' is not exported: only named aggregations are "
                         "(@name[key] = count())");
      continue;
    }
    FamilyPlan plan;
    plan.aggregation = i;
    plan.title = map.title;
    plan.type = type_of(map.kind);
    plan.name = family_name(prefix, map.title.substr(1), plan.type);
    plan.label_names = label_names_of(map, plan.type);
    plan.help = help_for(source, first_line(programs, map.title));
    for (const FamilyPlan& other : plans)
      if (other.name == plan.name)
        throw UserError("--metrics: " + other.title + " and " + plan.title +
                        " would both be the metric " + plan.name);
    plans.push_back(std::move(plan));
  }
  if (plans.empty())
    throw UserError("--metrics exports named aggregations, and " + source.name +
                    " has none: name one, as in "
                    "'on flow_result @deleted[reason] = count()'");
  return plans;
}

Series series_of_row(const FamilyPlan& plan, const AggregationMap& map,
                     const AggregationRow& row) {
  Series series;
  for (const runtime::Cell& cell : row.key) series.label_values.push_back(cell.text);
  // The row's values by the names support/aggregations.h gives them.
  auto value = [&](const char* name) {
    const runtime::AggregationValue* v = row.find(name);
    return v ? *v : runtime::AggregationValue{};
  };
  auto text = [](const runtime::AggregationValue& v) {
    return v.is_unsigned ? std::to_string(static_cast<uint64_t>(v.value))
                         : std::to_string(v.value);
  };
  switch (plan.type) {
    case MetricType::Counter:
    case MetricType::Gauge:  // the function's own value: count, sum, avg, min, max
      series.value = text(value(aggregation_name(map.kind)));
      break;
    case MetricType::Histogram:
      // A bucket [low, high) of integers holds the values <= high - 1.
      // Empty ones between the lowest and highest are kept: their edges
      // are bounds of the family.
      for (const runtime::HistBucket& b : row.buckets)
        if (b.has_high) series.buckets.push_back({b.high - 1, b.count});
      [[fallthrough]];
    case MetricType::Summary:
      series.count = static_cast<uint64_t>(value("count").value);
      series.sum = value("sum").value;
      break;
  }
  return series;
}

MetricFamily family_of(const FamilyPlan& plan, const runtime::AggregationTable& table,
                       size_t max_series, FamilyMemory& memory, size_t& dropped) {
  MetricFamily family(plan.name, plan.help, plan.type, plan.label_names);
  size_t kept = std::min(max_series, table.rows.size());
  dropped = table.rows.size() - kept;
  std::set<std::vector<std::string>> served;
  for (size_t i = 0; i < kept; ++i) {
    family.series.push_back(series_of_row(plan, *table.map, table.rows[i]));
    served.insert(family.series.back().label_values);
    for (const auto& [le, count] : family.series.back().buckets) memory.bounds.insert(le);
  }
  if (plan.type != MetricType::Gauge) {  // a gauge without a value has none
    for (const std::vector<std::string>& labels : memory.label_sets) {
      if (family.series.size() >= max_series) break;
      if (!served.contains(labels)) family.series.push_back(Series(labels, "0"));
    }
  }
  for (const Series& series : family.series) {
    if (memory.label_sets.size() >= max_series) break;
    memory.label_sets.insert(series.label_values);
  }
  family.bounds.assign(memory.bounds.begin(), memory.bounds.end());
  return family;
}

}  // namespace ovsq::metrics
