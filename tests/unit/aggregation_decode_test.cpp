// decode_aggregation: per-CPU values combined, keys decoded, rows sorted.
#include <gtest/gtest.h>

#include "runtime/output.h"
#include "tests/unit/output_test_util.h"

namespace ovsq::runtime {
namespace {

using test::aggregation;
using test::Bytes;
using test::bucket_counts;
using test::column;
using test::entry;
using test::enum_column;
using test::words;

// Key texts of every row, joined by '/'.
std::vector<std::string> keys_of(const AggregationTable& t) {
  std::vector<std::string> out;
  for (const AggregationRow& row : t.rows) {
    std::string s;
    for (size_t i = 0; i < row.key.size(); ++i)
      s += (i ? "/" : "") + row.key[i].text;
    out.push_back(s);
  }
  return out;
}

std::vector<int64_t> values_of(const AggregationTable& t) {
  std::vector<int64_t> out;
  for (const AggregationRow& row : t.rows) out.push_back(row.values.at(0).value);
  return out;
}

// A row's value named "count", as the u64 it is.
uint64_t count_of(const AggregationRow& row) {
  const AggregationValue* count = row.find("count");
  EXPECT_NE(count, nullptr);
  if (count == nullptr) return 0;
  EXPECT_TRUE(count->is_unsigned);
  return static_cast<uint64_t>(count->value);
}

AggregationMap count_by_port() {
  return aggregation("@n", AggregationKind::Count,
                     {column("port", ColumnKind::Unsigned, 0, 4)}, 8);
}

TEST(DecodeAggregation, CountAddsEveryCpuAndSortsByValueThenKey) {
  AggregationMap map = count_by_port();
  std::vector<RawEntry> entries = {
      entry(words({256}), words({1, 2, 3})),  // 6
      entry(words({2}), words({0, 6, 0})),    // 6: ties sort by key, numerically
      entry(words({7}), words({10, 0, 0})),   // 10
      entry(words({9}), words({0, 0, 0})),    // nothing counted: left out
      entry(words({1}), words({0, 0, 1})),    // 1
  };
  AggregationTable t = decode_aggregation(map, entries, 3);
  EXPECT_EQ(t.map, &map);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"7", "2", "256", "1"}));
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{10, 6, 6, 1}));
  EXPECT_EQ(count_of(t.rows[0]), 10u);
  ASSERT_EQ(t.rows[0].key.size(), 1u);
  EXPECT_TRUE(t.rows[0].key[0].is_number);
}

TEST(DecodeAggregation, CountOfUint64MaxStaysUnsigned) {
  AggregationMap map = count_by_port();
  std::vector<RawEntry> entries = {entry(words({1}), words({UINT64_MAX})),
                                   entry(words({2}), words({5}))};
  AggregationTable t = decode_aggregation(map, entries, 1);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(count_of(t.rows[0]), UINT64_MAX);
}

TEST(DecodeAggregation, UsesNoMoreCpusThanTheValuesHold) {
  AggregationMap map = count_by_port();
  std::vector<RawEntry> entries = {entry(words({1}), words({1, 2})),
                                   entry(words({2}), words({4, 8, 16}))};
  AggregationTable t = decode_aggregation(map, entries, 3);
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{28, 3}));
  // Fewer CPUs asked for than the values hold: only those.
  t = decode_aggregation(map, entries, 1);
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{4, 1}));
}

TEST(DecodeAggregation, SkipsEntriesShorterThanTheKey) {
  AggregationMap map = count_by_port();
  std::vector<RawEntry> entries = {entry({1, 0, 0, 0}, words({1})),
                                   entry(words({3}), words({2}))};
  AggregationTable t = decode_aggregation(map, entries, 1);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"3"}));
}

TEST(DecodeAggregation, SumIsSigned) {
  AggregationMap map = aggregation(
      "@bytes", AggregationKind::Sum,
      {column("delta", ColumnKind::Signed, 0, 4)}, 8);
  auto key = [](int32_t v) { return Bytes(8).set(0, v).bytes; };
  std::vector<RawEntry> entries = {
      entry(key(-1), words({static_cast<uint64_t>(-5), 2})),  // -3
      entry(key(-2), words({0, 0})),                          // 0: kept
      entry(key(3), words({static_cast<uint64_t>(-1), 0})),   // -1
  };
  AggregationTable t = decode_aggregation(map, entries, 2);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"-2", "3", "-1"}));
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{0, -1, -3}));
}

TEST(DecodeAggregation, AvgDividesTheSumsTowardZero) {
  AggregationMap map = aggregation(
      "@lat", AggregationKind::Avg,
      {column("port", ColumnKind::Unsigned, 0, 8)}, 8);
  std::vector<RawEntry> entries = {
      // CPU 0 {sum 10, count 2}, CPU 1 {sum 5, count 1}: 15 / 3 = 5
      entry(words({1}), words({10, 2, 5, 1})),
      // -7 / 2 = -3 (toward zero, not -4)
      entry(words({2}), words({static_cast<uint64_t>(-7), 2, 0, 0})),
      // nothing on any CPU: left out
      entry(words({3}), words({0, 0, 0, 0})),
  };
  AggregationTable t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{5, -3}));
  EXPECT_EQ(count_of(t.rows[0]), 3u);
  EXPECT_EQ(count_of(t.rows[1]), 2u);
}

TEST(DecodeAggregation, StatsHasCountSumAndAverageInOneRow) {
  AggregationMap map = aggregation(
      "@lat", AggregationKind::Stats,
      {column("port", ColumnKind::Unsigned, 0, 8)}, 8);
  std::vector<RawEntry> entries = {
      // CPU 0 {sum 10, count 2}, CPU 1 {sum 5, count 1}
      entry(words({1}), words({10, 2, 5, 1})),
      // {sum -7, count 4}: sorted by count, the first value
      entry(words({2}), words({static_cast<uint64_t>(-7), 4, 0, 0})),
      entry(words({3}), words({0, 0, 0, 0})),  // nothing: left out
  };
  AggregationTable t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 2u);
  auto named = [](const AggregationRow& row) {
    std::string s;
    for (const AggregationValue& v : row.values)
      s += std::string(v.name) + "=" + std::to_string(v.value) +
           (v.is_unsigned ? "u " : " ");
    return s;
  };
  EXPECT_EQ(named(t.rows[0]), "count=4u sum=-7 avg=-1 ");
  EXPECT_EQ(named(t.rows[1]), "count=3u sum=15 avg=5 ");
}

TEST(DecodeAggregation, MinAndMaxIgnoreCpusWithoutAValue) {
  auto entries = [] {
    return std::vector<RawEntry>{
        // CPU 0 empty (its 0 must not win), CPU 1: 40, CPU 2: 25
        entry(words({1}), words({0, 0, 40, 3, 25, 1})),
        // only CPU 2: -8
        entry(words({2}), words({0, 0, 0, 0, static_cast<uint64_t>(-8), 1})),
        entry(words({3}), words({0, 0, 0, 0, 0, 0})),  // no value anywhere
    };
  };
  AggregationMap min = aggregation(
      "@min", AggregationKind::Min,
      {column("port", ColumnKind::Unsigned, 0, 8)}, 8);
  AggregationTable t = decode_aggregation(min, entries(), 3);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{25, -8}));
  EXPECT_EQ(t.rows[0].values.size(), 1u);  // the value alone

  AggregationMap max = min;
  max.kind = AggregationKind::Max;
  t = decode_aggregation(max, entries(), 3);
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{40, -8}));
}

TEST(DecodeAggregation, KeysCompareByTheirKind) {
  Column reason = enum_column("reason", 0, 4, {{0, "ZERO"}, {1, "ONE"}, {2, "TWO"}});
  AggregationMap map = aggregation(
      "@x", AggregationKind::Count,
      {column("name", ColumnKind::String, 8, 8),
       column("delta", ColumnKind::Signed, 16, 8), reason},
      24);
  auto key = [](uint32_t r, std::string_view name, int64_t delta) {
    return Bytes(24).set(0, r).text(8, name).set(16, delta).bytes;
  };
  std::vector<RawEntry> entries = {
      entry(key(1, "b", 5), words({1})),  entry(key(2, "a", 9), words({1})),
      entry(key(0, "a", 9), words({1})),  entry(key(0, "a", -9), words({1})),
      entry(key(0, "ab", -9), words({1})), entry(key(7, "zz", 0), words({2})),
  };
  AggregationTable t = decode_aggregation(map, entries, 1);
  // Value first; then name (text), delta (signed), reason (by value).
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{
                            "zz/0/7", "a/-9/ZERO", "a/9/ZERO", "a/9/TWO",
                            "ab/-9/ZERO", "b/5/ONE"}));
  EXPECT_FALSE(t.rows[0].key[0].is_number);
  EXPECT_TRUE(t.rows[0].key[1].is_number);
  EXPECT_FALSE(t.rows[0].key[2].is_number);
}

TEST(DecodeAggregation, MapWithoutKeys) {
  AggregationMap map = aggregation("@n", AggregationKind::Count, {}, 8);
  std::vector<RawEntry> entries = {entry(words({0}), words({3, 4}))};
  AggregationTable t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_TRUE(t.rows[0].key.empty());
  EXPECT_EQ(values_of(t), (std::vector<int64_t>{7}));
  EXPECT_TRUE(decode_aggregation(map, {}, 2).rows.empty());
}

std::string bounds(const HistBucket& b) {
  return (b.has_low ? std::to_string(b.low) : "-") + ".." +
         (b.has_high ? std::to_string(b.high) : "-") + ":" +
         std::to_string(b.count);
}

std::vector<std::string> buckets_of(const AggregationRow& row) {
  std::vector<std::string> out;
  for (const HistBucket& b : row.buckets) out.push_back(bounds(b));
  return out;
}

TEST(DecodeAggregation, HistBucketsFromLowestToHighestNonEmpty) {
  AggregationMap map = aggregation("@h", AggregationKind::Hist, {}, 8);
  std::vector<RawEntry> entries = {
      entry(words({0}), bucket_counts({1, 1})),  // < 0
      entry(words({1}), bucket_counts({0, 0})),  // [0]: empty, still listed
      entry(words({2}), bucket_counts({0, 0})),  // [1]: never-filled
      entry(words({3}), bucket_counts({3, 0})),  // [2, 4)
      entry(words({65}), bucket_counts({9, 9})), // no such bucket: ignored
  };
  AggregationTable t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_TRUE(t.rows[0].key.empty());
  EXPECT_EQ(buckets_of(t.rows[0]),
            (std::vector<std::string>{"-..0:2", "0..1:0", "1..2:0", "2..4:3"}));

  entries = {entry(words({12}), bucket_counts({1, 0})),  // [1K, 2K)
             entry(words({64}), bucket_counts({0, 2}))}; // [2^62, ...)
  t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(t.rows[0].buckets.size(), 53u);
  EXPECT_EQ(bounds(t.rows[0].buckets.front()), "1024..2048:1");
  EXPECT_EQ(bounds(t.rows[0].buckets[1]), "2048..4096:0");
  EXPECT_EQ(bounds(t.rows[0].buckets.back()), "4611686018427387904..-:2");
}

TEST(DecodeAggregation, HistRowsPerKeySortedByKey) {
  Column reason = enum_column("reason", 0, 4, {{1, "IDLE"}, {2, "TOO_EXPENSIVE"}});
  AggregationMap map =
      aggregation("@h", AggregationKind::Hist, {reason}, 16);
  std::vector<RawEntry> entries = {
      entry(words({2, 5}), bucket_counts({1})), entry(words({1, 3}), bucket_counts({7})),
      entry(words({2, 3}), bucket_counts({4})), entry(words({1, 4}), bucket_counts({0})),
      entry(words({3, 2}), bucket_counts({0})),  // every bucket empty: no row
  };
  AggregationTable t = decode_aggregation(map, entries, 1);
  EXPECT_EQ(keys_of(t), (std::vector<std::string>{"IDLE", "TOO_EXPENSIVE"}));
  EXPECT_EQ(buckets_of(t.rows[0]), (std::vector<std::string>{"2..4:7"}));
  EXPECT_EQ(buckets_of(t.rows[1]),
            (std::vector<std::string>{"2..4:4", "4..8:0", "8..16:1"}));
}

TEST(DecodeAggregation, LhistBuckets) {
  AggregationMap map = aggregation("@l", AggregationKind::Lhist, {}, 8);
  map.lhist_min = -10;
  map.lhist_max = 20;
  map.lhist_step = 10;
  // 0: < -10; 1: [-10, 0); 2: [0, 10); 3: [10, 20); 4: >= 20; 5: none
  std::vector<RawEntry> entries = {
      entry(words({0}), bucket_counts({1})), entry(words({2}), bucket_counts({2})),
      entry(words({4}), bucket_counts({3})), entry(words({5}), bucket_counts({4}))};
  AggregationTable t = decode_aggregation(map, entries, 1);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(buckets_of(t.rows[0]),
            (std::vector<std::string>{"-..-10:1", "-10..0:0", "0..10:2",
                                      "10..20:0", "20..-:3"}));
}

TEST(DecodeAggregation, HistRowCarriesItsCountAndTheValuesSum) {
  AggregationMap map = aggregation("@h", AggregationKind::Hist, {}, 8);
  // Two CPUs, each bucket {count, sum}: 3 and 2 in [2, 4), summing 10;
  // 1 in [8, 16) on CPU 1, 9.
  std::vector<RawEntry> entries = {
      entry(words({3}), words({3, 8, 2, 2})),  // not bucket_counts: sums too
      entry(words({5}), words({0, 0, 1, 9})),
  };
  AggregationTable t = decode_aggregation(map, entries, 2);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(count_of(t.rows[0]), 6u);
  ASSERT_NE(t.rows[0].find("sum"), nullptr);
  EXPECT_EQ(t.rows[0].find("sum")->value, 19);
  EXPECT_FALSE(t.rows[0].find("sum")->is_unsigned);
  EXPECT_EQ(buckets_of(t.rows[0]), (std::vector<std::string>{"2..4:5", "4..8:0", "8..16:1"}));
}

}  // namespace
}  // namespace ovsq::runtime
