// metrics/: the exposition text of every aggregation kind, label escaping,
// histogram cumulation, name sanitising, the families a query's named
// aggregations become (and the queries that cannot be exported), each
// text also checked by Prometheus' own `promtool check metrics`.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <chrono>
#include <fstream>
#include <memory>
#include <set>

#include "metrics/exposition.h"
#include "metrics/families.h"
#include "metrics/http_server.h"
#include "runtime/event_loop.h"
#include "support/error.h"
#include "tests/unit/output_test_util.h"

namespace ovsq::metrics {
namespace {

using runtime::AggregationKind;
using runtime::AggregationMap;
using runtime::Column;
using runtime::ColumnKind;
using runtime::test::aggregation;
using runtime::test::bucket_counts;
using runtime::test::column;
using runtime::test::entry;
using runtime::test::enum_column;
using runtime::test::words;

// What `promtool check metrics` says of `text` (its exit status and
// output); "" and 0 when it is content.
struct Promtool {
  int status = -1;
  std::string said;
};
Promtool promtool_check(const std::string& text) {
  char path[] = "/tmp/ovsq-metrics-test.XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return {};
  ::close(fd);
  std::ofstream(path) << text;
  std::string command = std::string("promtool check metrics < ") + path + " 2>&1";
  Promtool result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.said.append(buffer, n);
  result.status = ::pclose(pipe);
  std::remove(path);
  return result;
}

#define EXPECT_PROMTOOL_ACCEPTS(text)                        \
  do {                                                       \
    Promtool p = promtool_check(text);                       \
    EXPECT_EQ(p.status, 0) << p.said;                        \
    EXPECT_EQ(p.said, "") << "promtool lints it";            \
  } while (0)

TEST(Exposition, CounterWithLabels) {
  MetricFamily f{"ovsq_deleted_total", "Flows deleted, by reason.", MetricType::Counter,
                 {"probe", "reason"}};
  f.series.push_back(Series{{"flow_result", "FDR_FLOW_IDLE"}, "11"});
  f.series.push_back(Series{{"flow_sweep_result", "FDR_PURGE"}, "18446744073709551615"});
  std::string out;
  write_family(out, f);
  EXPECT_EQ(out,
            "# HELP ovsq_deleted_total Flows deleted, by reason.\n"
            "# TYPE ovsq_deleted_total counter\n"
            "ovsq_deleted_total{probe=\"flow_result\",reason=\"FDR_FLOW_IDLE\"} 11\n"
            "ovsq_deleted_total{probe=\"flow_sweep_result\",reason=\"FDR_PURGE\"} "
            "18446744073709551615\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
}

TEST(Exposition, GaugeWithoutLabelsAndAnEmptyFamily) {
  MetricFamily g{"ovsq_worst_latency", "max(ns)", MetricType::Gauge};
  g.series.push_back(Series{{}, "-42"});
  MetricFamily empty{"ovsq_avg_len", "avg(len)", MetricType::Gauge, {"port"}};
  std::string out;
  write_family(out, g);
  write_family(out, empty);
  EXPECT_EQ(out,
            "# HELP ovsq_worst_latency max(ns)\n"
            "# TYPE ovsq_worst_latency gauge\n"
            "ovsq_worst_latency -42\n"
            "# HELP ovsq_avg_len avg(len)\n"
            "# TYPE ovsq_avg_len gauge\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
}

TEST(Exposition, LabelValuesAndHelpAreEscaped) {
  MetricFamily f{"ovsq_by_comm_total", "a \\ backslash\nand a newline", MetricType::Counter,
                 {"comm"}};
  f.series.push_back(Series{{"say \"hi\"\\n\nthere"}, "1"});
  std::string out;
  write_family(out, f);
  EXPECT_EQ(out,
            "# HELP ovsq_by_comm_total a \\\\ backslash\\nand a newline\n"
            "# TYPE ovsq_by_comm_total counter\n"
            "ovsq_by_comm_total{comm=\"say \\\"hi\\\"\\\\n\\nthere\"} 1\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_help("x\"y"), "x\"y");  // quotes are not escaped in HELP
}

TEST(Exposition, HistogramBucketsAreCumulativeOverTheFamilysBounds) {
  MetricFamily h{"ovsq_sweep_duration", "sweep duration", MetricType::Histogram, {"udpif"}};
  // The family's bounds: every series is written with all of them, and a
  // bound that is not one of a series' own buckets still counts exactly.
  h.bounds = {-1, 0, 3, 7, 1023};
  Series a{{"0x10"}};
  a.buckets = {{-1, 2}, {3, 3}, {1023, 1}};  // each bucket alone
  a.count = 7;                               // one above 1023: +Inf only
  a.sum = 5000;
  Series b{{"0x20"}};
  b.buckets = {{7, 4}};
  b.count = 4;
  b.sum = 20;
  h.series = {a, b};
  std::string out;
  write_family(out, h);
  EXPECT_EQ(out,
            "# HELP ovsq_sweep_duration sweep duration\n"
            "# TYPE ovsq_sweep_duration histogram\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"-1\"} 2\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"0\"} 2\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"3\"} 5\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"7\"} 5\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"1023\"} 6\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x10\",le=\"+Inf\"} 7\n"
            "ovsq_sweep_duration_sum{udpif=\"0x10\"} 5000\n"
            "ovsq_sweep_duration_count{udpif=\"0x10\"} 7\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"-1\"} 0\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"0\"} 0\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"3\"} 0\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"7\"} 4\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"1023\"} 4\n"
            "ovsq_sweep_duration_bucket{udpif=\"0x20\",le=\"+Inf\"} 4\n"
            "ovsq_sweep_duration_sum{udpif=\"0x20\"} 20\n"
            "ovsq_sweep_duration_count{udpif=\"0x20\"} 4\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
}

TEST(Exposition, HistogramWithoutLabels) {
  MetricFamily h{"ovsq_len", "hist(len)", MetricType::Histogram};
  h.bounds = {127};
  Series s;
  s.buckets = {{127, 3}};
  s.count = 3;
  s.sum = 300;
  h.series = {s};
  std::string out;
  write_family(out, h);
  EXPECT_EQ(out,
            "# HELP ovsq_len hist(len)\n"
            "# TYPE ovsq_len histogram\n"
            "ovsq_len_bucket{le=\"127\"} 3\n"
            "ovsq_len_bucket{le=\"+Inf\"} 3\n"
            "ovsq_len_sum 300\n"
            "ovsq_len_count 3\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
}

TEST(Exposition, NamesAreSanitised) {
  EXPECT_EQ(sanitize_metric_name("ovsq_deleted"), "ovsq_deleted");
  EXPECT_EQ(sanitize_metric_name("ovsq_my-agg.x"), "ovsq_my_agg_x");
  EXPECT_EQ(sanitize_metric_name("a--b"), "a_b");  // runs squeezed
  EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
  EXPECT_EQ(sanitize_metric_name("ns:sub"), "ns:sub");  // ':' is allowed
  EXPECT_EQ(sanitize_metric_name(""), "");
  EXPECT_EQ(sanitize_label_name("reason"), "reason");
  EXPECT_EQ(sanitize_label_name("udpif->n_flows"), "udpif_n_flows");
  EXPECT_EQ(sanitize_label_name("key.ipv4.src"), "key_ipv4_src");
  EXPECT_EQ(sanitize_label_name("__name__"), "name_");  // "__" is Prometheus'
  EXPECT_EQ(sanitize_label_name("str(dpif_name)"), "str_dpif_name_");
  EXPECT_EQ(sanitize_label_name("a:b"), "a_b");  // not in label names
  EXPECT_EQ(sanitize_label_name("->"), "");
}

// A program set with one aggregation per (title, kind), each updated by a
// statement on its own line.
struct Query {
  runtime::CompiledQuery programs;
  frontend::Source source;
};

Query query_of(std::string text, std::vector<AggregationMap> maps) {
  Query q;
  q.source = {"q.ovsq", std::move(text)};
  q.programs.aggregations = std::move(maps);
  uint32_t line = 1;
  for (const AggregationMap& map : q.programs.aggregations) {
    // The statement's line: the first that names the map.
    std::string_view rest = q.source.text;
    uint32_t n = 1;
    for (size_t at = 0; at < rest.size(); ++n) {
      size_t end = rest.find('\n', at);
      if (rest.substr(at, end - at).find(map.title) != std::string_view::npos) break;
      if (end == std::string_view::npos) break;
      at = end + 1;
    }
    line = n;
    q.programs.map_update_sites.push_back({map.title, "q.ovsq:" + std::to_string(line) + ":1"});
  }
  return q;
}

TEST(Families, EveryKindAndItsNameHelpAndLabels) {
  Column reason = enum_column("reason", 0, 4, {{1, "IDLE"}});
  Query q = query_of(
      "#!/usr/bin/env ovsq\n"
      "# Flows the revalidators deleted,\n"
      "# by reason.\n"
      "on flow_result { @deleted[reason] = count() }\n"
      "on upcall @bytes = sum(packet_len)\n"
      "on upcall { @len = avg(packet_len); @small = min(packet_len) }\n"
      "on upcall @big = max(packet_len)\n"
      "on sweep_done @idle_ms[udpif->flow_limit] = hist(max_idle_ms)\n"
      "on sweep_done @flows_total = lhist(n_flows, 0, 100, 10)\n"
      "on upcall count by type\n",
      {aggregation("@deleted", AggregationKind::Count, {reason}, 8),
       aggregation("@bytes", AggregationKind::Sum, {}, 8),
       aggregation("@len", AggregationKind::Avg, {}, 8),
       aggregation("@small", AggregationKind::Min, {}, 8),
       aggregation("@big", AggregationKind::Max, {}, 8),
       aggregation("@idle_ms", AggregationKind::Hist,
                   {column("udpif->flow_limit", ColumnKind::Unsigned, 0, 4)}, 16),
       aggregation("@flows_total", AggregationKind::Lhist, {}, 8),
       aggregation("count by type", AggregationKind::Count, {}, 8)});
  std::vector<std::string> warnings;
  std::vector<FamilyPlan> plans = plan_families(q.programs, q.source, "ovsq_", warnings);
  ASSERT_EQ(plans.size(), 7u);
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "'count by type' is not exported: only named aggregations are "
                          "(@name[key] = count())"}));
  auto row = [&](size_t i) {
    return plans[i].name + "|" + std::to_string(int(plans[i].type)) + "|" +
           (plans[i].label_names.empty() ? "" : plans[i].label_names[0]) + "|" +
           plans[i].help;
  };
  EXPECT_EQ(row(0), "ovsq_deleted_total|0|reason|Flows the revalidators deleted, by reason.");
  EXPECT_EQ(row(1), "ovsq_bytes_total|0||on upcall @bytes = sum(packet_len)");
  EXPECT_EQ(row(2), "ovsq_len|1||on upcall { @len = avg(packet_len); @small = min(packet_len) }");
  EXPECT_EQ(row(3), "ovsq_small|1||on upcall { @len = avg(packet_len); @small = min(packet_len) }");
  EXPECT_EQ(row(4), "ovsq_big|1||on upcall @big = max(packet_len)");
  EXPECT_EQ(row(5), "ovsq_idle_ms|2|udpif_flow_limit|on sweep_done @idle_ms[udpif->flow_limit] = hist(max_idle_ms)");
  // A counter named ..._total keeps one; a histogram gets none.
  EXPECT_EQ(plans[6].name, "ovsq_flows_total");
  EXPECT_EQ(plans[6].aggregation, 6u);
  EXPECT_EQ(plan_families(q.programs, q.source, "ovs:", warnings)[0].name,
            "ovs:deleted_total");
}

std::string error_of(const Query& q) {
  std::vector<std::string> warnings;
  try {
    plan_families(q.programs, q.source, "ovsq_", warnings);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Families, QueriesThatCannotBeExported) {
  Query anonymous = query_of("on flow_result count by reason\n",
                             {aggregation("count by reason", AggregationKind::Count, {}, 8)});
  EXPECT_EQ(error_of(anonymous),
            "--metrics exports named aggregations, and q.ovsq has none: name one, as in "
            "'on flow_result @deleted[reason] = count()'");
  Query none = query_of("on flow_result print ufid\n", {});
  EXPECT_EQ(error_of(none), error_of(anonymous));

  Query every = query_of("on flow_result @n = count()\nevery 1s\n",
                         {aggregation("@n", AggregationKind::Count, {}, 8)});
  every.programs.every_ns = 1000000000;
  EXPECT_EQ(error_of(every),
            "--metrics reads the aggregations as they stand at each scrape; 'every' would "
            "empty them: leave it out");

  Column key = column("key", ColumnKind::FlowKey, 0, 272);
  Query flow_key = query_of("on flow_result @n[key] = count()\n",
                            {aggregation("@n", AggregationKind::Count, {key}, 272)});
  EXPECT_EQ(error_of(flow_key),
            "--metrics: @n is keyed by 'key', a whole flow key, which cannot be a label: "
            "key it by its fields, such as 'key.ipv4.src'");

  Query twice = query_of(
      "on flow_result @n[udpif->x, udpif.x] = count()\n",
      {aggregation("@n", AggregationKind::Count,
                   {column("udpif->x", ColumnKind::Unsigned, 0, 4),
                    column("udpif.x", ColumnKind::Unsigned, 8, 4)},
                   16)});
  EXPECT_EQ(error_of(twice), "--metrics: @n has two keys with the label name 'udpif_x'");

  Query le = query_of("on sweep_done @h[le] = hist(n_flows)\n",
                      {aggregation("@h", AggregationKind::Hist,
                                   {column("le", ColumnKind::Unsigned, 0, 4)}, 16)});
  EXPECT_EQ(error_of(le),
            "--metrics: @h's key 'le' would be the label 'le', which a histogram's "
            "buckets use");

  Query clash = query_of("on upcall { @a_b = count(); @a.b = count() }\n",
                         {aggregation("@a_b", AggregationKind::Count, {}, 8),
                          aggregation("@a-b", AggregationKind::Count, {}, 8)});
  EXPECT_EQ(error_of(clash), "--metrics: @a_b and @a-b would both be the metric ovsq_a_b_total");
}

// From the map's raw entries through decode_aggregation, as a scrape reads
// them, to the text.
TEST(Families, FromMapEntriesToText) {
  Column reason = enum_column("reason", 0, 4, {{1, "IDLE"}, {2, "PURGE"}});
  Query q = query_of(
      "on flow_result @deleted[reason] = count()\n"
      "# Revalidator sweep duration (ns).\n"
      "on sweep_done @sweep_duration = hist(ns)\n"
      "on sweep_done @flows = lhist(n_flows, 0, 20, 10)\n",
      {aggregation("@deleted", AggregationKind::Count, {reason}, 8),
       aggregation("@sweep_duration", AggregationKind::Hist, {}, 8),
       aggregation("@flows", AggregationKind::Lhist, {}, 8)});
  q.programs.aggregations[2].lhist_min = 0;
  q.programs.aggregations[2].lhist_max = 20;
  q.programs.aggregations[2].lhist_step = 10;
  std::vector<std::string> warnings;
  std::vector<FamilyPlan> plans = plan_families(q.programs, q.source, "ovsq_", warnings);
  const auto& maps = q.programs.aggregations;
  // Two CPUs.
  std::vector<runtime::RawEntry> deleted = {entry(words({1}), words({2, 1})),
                                            entry(words({2}), words({0, 5}))};
  // hist: 0 twice (sum 0), 5 and 6 (bucket [4, 8), sum 11), 3000 ([2K, 4K)).
  std::vector<runtime::RawEntry> sweep = {entry(words({1}), words({1, 0, 1, 0})),
                                          entry(words({4}), words({2, 11, 0, 0})),
                                          entry(words({13}), words({0, 0, 1, 3000}))};
  // lhist 0..20 step 10: 25 (>= 20), 3, 4 ([0, 10)).
  std::vector<runtime::RawEntry> flows = {entry(words({1}), words({2, 7, 0, 0})),
                                          entry(words({3}), words({0, 0, 1, 25}))};
  std::string out;
  FamilyMemory no_bounds, sweep_bounds, flow_bounds;
  size_t dropped = 9;
  write_family(out, family_of(plans[0], runtime::decode_aggregation(maps[0], deleted, 2), 10,
                              no_bounds, dropped));
  EXPECT_EQ(dropped, 0u);
  write_family(out, family_of(plans[1], runtime::decode_aggregation(maps[1], sweep, 2), 10,
                              sweep_bounds, dropped));
  write_family(out, family_of(plans[2], runtime::decode_aggregation(maps[2], flows, 2), 10,
                              flow_bounds, dropped));
  std::string expected =
      "# HELP ovsq_deleted_total on flow_result @deleted[reason] = count()\n"
      "# TYPE ovsq_deleted_total counter\n"
      "ovsq_deleted_total{reason=\"PURGE\"} 5\n"
      "ovsq_deleted_total{reason=\"IDLE\"} 3\n"
      "# HELP ovsq_sweep_duration Revalidator sweep duration (ns).\n"
      "# TYPE ovsq_sweep_duration histogram\n";
  // Every power of two from [0] to [2K, 4K): the gaps between non-empty
  // buckets are bounds too.
  uint64_t cumulative = 0;
  for (int64_t le : {0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095}) {
    cumulative = le < 7 ? 2 : le < 4095 ? 4 : 5;
    expected += "ovsq_sweep_duration_bucket{le=\"" + std::to_string(le) + "\"} " +
                std::to_string(cumulative) + "\n";
  }
  expected +=
      "ovsq_sweep_duration_bucket{le=\"+Inf\"} 5\n"
      "ovsq_sweep_duration_sum 3011\n"
      "ovsq_sweep_duration_count 5\n"
      "# HELP ovsq_flows on sweep_done @flows = lhist(n_flows, 0, 20, 10)\n"
      "# TYPE ovsq_flows histogram\n"
      "ovsq_flows_bucket{le=\"9\"} 2\n"
      "ovsq_flows_bucket{le=\"19\"} 2\n"
      "ovsq_flows_bucket{le=\"+Inf\"} 3\n"
      "ovsq_flows_sum 32\n"
      "ovsq_flows_count 3\n";
  EXPECT_EQ(out, expected);
  EXPECT_PROMTOOL_ACCEPTS(out);

  // The next scrape: fewer buckets, the same bounds.
  std::vector<runtime::RawEntry> later = {entry(words({13}), words({0, 0, 1, 3000}))};
  MetricFamily again = family_of(plans[1], runtime::decode_aggregation(maps[1], later, 2), 10,
                                 sweep_bounds, dropped);
  EXPECT_EQ(again.bounds.size(), 13u);
}

// stats(v) is a summary without quantiles: its count and sum, from which
// PromQL has the average; a label set served before a restart is 0 after.
TEST(Families, StatsIsASummaryOfCountAndSum) {
  Column port = column("port", ColumnKind::Unsigned, 0, 4);
  Query q = query_of("on upcall @len[port] = stats(packet_len)\n",
                     {aggregation("@len", AggregationKind::Stats, {port}, 8)});
  std::vector<std::string> warnings;
  std::vector<FamilyPlan> plans = plan_families(q.programs, q.source, "ovsq_", warnings);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].name, "ovsq_len");
  EXPECT_EQ(plans[0].type, MetricType::Summary);
  // Two CPUs, each {s64 sum; u64 count}: port 1 saw 10, 20 and -3; port 2 saw 100.
  std::vector<runtime::RawEntry> entries = {
      entry(words({1}), words({30, 2, static_cast<uint64_t>(-3), 1})),
      entry(words({2}), words({0, 0, 100, 1}))};
  FamilyMemory memory;
  size_t dropped = 9;
  std::string out;
  write_family(out, family_of(plans[0],
                              runtime::decode_aggregation(q.programs.aggregations[0], entries, 2),
                              10, memory, dropped));
  EXPECT_EQ(dropped, 0u);
  std::string expected =
      "# HELP ovsq_len on upcall @len[port] = stats(packet_len)\n"
      "# TYPE ovsq_len summary\n"
      "ovsq_len_sum{port=\"1\"} 27\n"
      "ovsq_len_count{port=\"1\"} 3\n"
      "ovsq_len_sum{port=\"2\"} 100\n"
      "ovsq_len_count{port=\"2\"} 1\n";
  EXPECT_EQ(out, expected);
  EXPECT_PROMTOOL_ACCEPTS(out);

  out.clear();
  write_family(out, family_of(plans[0],
                              runtime::decode_aggregation(q.programs.aggregations[0], {}, 2),
                              10, memory, dropped));
  EXPECT_EQ(out,
            "# HELP ovsq_len on upcall @len[port] = stats(packet_len)\n"
            "# TYPE ovsq_len summary\n"
            "ovsq_len_sum{port=\"1\"} 0\n"
            "ovsq_len_count{port=\"1\"} 0\n"
            "ovsq_len_sum{port=\"2\"} 0\n"
            "ovsq_len_count{port=\"2\"} 0\n");
  EXPECT_PROMTOOL_ACCEPTS(out);
}

TEST(Families, AtMostMaxSeriesTheLargest) {
  Column port = column("port", ColumnKind::Unsigned, 0, 4);
  Query q = query_of("on upcall @n[port] = count()\n",
                     {aggregation("@n", AggregationKind::Count, {port}, 8)});
  std::vector<std::string> warnings;
  std::vector<FamilyPlan> plans = plan_families(q.programs, q.source, "ovsq_", warnings);
  std::vector<runtime::RawEntry> entries = {entry(words({1}), words({5})),
                                            entry(words({2}), words({9})),
                                            entry(words({3}), words({1}))};
  FamilyMemory memory;
  size_t dropped = 0;
  MetricFamily f = family_of(plans[0], runtime::decode_aggregation(q.programs.aggregations[0],
                                                                   entries, 1),
                             2, memory, dropped);
  EXPECT_EQ(dropped, 1u);
  ASSERT_EQ(f.series.size(), 2u);
  EXPECT_EQ(f.series[0].label_values[0], "2");
  EXPECT_EQ(f.series[1].label_values[0], "1");
}

// After a restart the new maps start empty: a counter's label sets served
// before are served as 0 (rate() sees the reset), a gauge's are not.
TEST(Families, LabelSetsServedBeforeAreZeroAfterARestart) {
  Column port = column("port", ColumnKind::Unsigned, 0, 4);
  Query q = query_of("on upcall { @n[port] = count(); @big[port] = max(port) }\n",
                     {aggregation("@n", AggregationKind::Count, {port}, 8),
                      aggregation("@big", AggregationKind::Max, {port}, 8)});
  std::vector<std::string> warnings;
  std::vector<FamilyPlan> plans = plan_families(q.programs, q.source, "ovsq_", warnings);
  const auto& maps = q.programs.aggregations;
  FamilyMemory count_memory, max_memory;
  size_t dropped = 0;
  std::vector<runtime::RawEntry> before = {entry(words({1}), words({5})),
                                           entry(words({2}), words({9}))};
  std::vector<runtime::RawEntry> max_before = {entry(words({1}), words({7, 1}))};
  family_of(plans[0], runtime::decode_aggregation(maps[0], before, 1), 10, count_memory,
            dropped);
  family_of(plans[1], runtime::decode_aggregation(maps[1], max_before, 1), 10, max_memory,
            dropped);
  std::vector<runtime::RawEntry> after = {entry(words({2}), words({1}))};
  std::string out;
  write_family(out, family_of(plans[0], runtime::decode_aggregation(maps[0], after, 1), 10,
                              count_memory, dropped));
  write_family(out, family_of(plans[1], runtime::decode_aggregation(maps[1], {}, 1), 10,
                              max_memory, dropped));
  EXPECT_EQ(out,
            "# HELP ovsq_n_total on upcall { @n[port] = count(); @big[port] = max(port) }\n"
            "# TYPE ovsq_n_total counter\n"
            "ovsq_n_total{port=\"2\"} 1\n"
            "ovsq_n_total{port=\"1\"} 0\n"
            "# HELP ovsq_big on upcall { @n[port] = count(); @big[port] = max(port) }\n"
            "# TYPE ovsq_big gauge\n");
}

// The HTTP server on an EventLoop, its client in the same thread: the
// request is written whole before the loop runs.
std::string exchange(HttpServer& server, runtime::EventLoop& loop, uint16_t port,
                     const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return "no connect";
  ::send(fd, request.data(), request.size(), 0);
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  for (int turn = 0; turn < 20; ++turn) {
    loop.run_once(std::chrono::milliseconds(100));
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) reply.append(buffer, size_t(n));
    if (n == 0) break;  // the server closed
  }
  ::close(fd);
  return reply;
}

TEST(HttpServer, AnswersGetAndHeadOfItsPathsOnly) {
  std::string why;
  // The first free port of a hundred.
  std::optional<ListenAddress> address = parse_listen_address("127.0.0.1:1", why);
  ASSERT_TRUE(address);
  runtime::EventLoop loop;
  std::vector<std::string> asked;
  uint16_t port = 0;
  std::unique_ptr<HttpServer> server;
  for (uint16_t p = 39464; p < 39564 && !server; ++p) {
    reinterpret_cast<sockaddr_in*>(&address->address)->sin_port = htons(p);
    address->text = "127.0.0.1:" + std::to_string(p);
    try {
      server = std::make_unique<HttpServer>(*address, [&](std::string_view path) {
        asked.emplace_back(path);
        if (path == "/metrics") return HttpResponse{200, kContentType, "up 1\n"};
        return HttpResponse{404, "text/plain; charset=utf-8", "no\n"};
      });
      port = p;
    } catch (const UserError&) {
    }
  }
  ASSERT_TRUE(server);
  server->add_sources(loop);
  EXPECT_EQ(exchange(*server, loop, port, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\nup 1\n");
  EXPECT_EQ(exchange(*server, loop, port, "HEAD /metrics HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(exchange(*server, loop, port, "GET /other HTTP/1.0\r\n\r\n"),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 3\r\nConnection: close\r\n\r\nno\n");
  EXPECT_EQ(exchange(*server, loop, port, "POST /metrics HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 18\r\nConnection: close\r\n\r\nonly GET and HEAD\n");
  EXPECT_EQ(exchange(*server, loop, port, "nonsense\r\n\r\n"),
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 12\r\nConnection: close\r\n\r\nbad request\n");
  EXPECT_EQ(asked, (std::vector<std::string>{"/metrics", "/metrics", "/other"}));

  // A second server on the same address: in use.
  try {
    HttpServer again(*address, [](std::string_view) { return HttpResponse{}; });
    ADD_FAILURE() << "bound twice";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot serve metrics on 127.0.0.1:" +
                                         std::to_string(port) +
                                         ": the address is already in use");
  }
}

TEST(ListenAddress, Forms) {
  std::string why;
  auto text = [&](std::string_view a) {
    std::optional<ListenAddress> parsed = parse_listen_address(a, why);
    return parsed ? parsed->text : "error: " + why;
  };
  EXPECT_EQ(text("127.0.0.1:9464"), "127.0.0.1:9464");
  EXPECT_EQ(text(":9464"), "127.0.0.1:9464");  // loopback unless told
  EXPECT_EQ(text("9464"), "127.0.0.1:9464");
  EXPECT_EQ(text("localhost:80"), "127.0.0.1:80");
  EXPECT_EQ(text("0.0.0.0:9464"), "0.0.0.0:9464");
  EXPECT_EQ(text("[::1]:9464"), "[::1]:9464");
  EXPECT_EQ(text("127.0.0.1:99999"),
            "error: needs HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:9464, "
            "not '127.0.0.1:99999'");
  EXPECT_EQ(text("host.example:9464"),
            "error: 'host.example' is not an IPv4 address, [an IPv6 address] or localhost");
  EXPECT_EQ(text("::1:9464"),
            "error: '::1' is not an IPv4 address, [an IPv6 address] or localhost");
}

}  // namespace
}  // namespace ovsq::metrics
