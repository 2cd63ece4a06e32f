#pragma once
// The aggregation functions: one row each in kAggregations, read by the
// grammar (its keywords), sema (arity and arguments), codegen (the value's
// size in the map), the runtime (the named values of a row) and the help.
//
// Adding one: an AggregationKind, its row here, its BPF update in
// codegen/program_lowering.cpp (emit_aggregate) and its per-CPU combine in
// runtime/aggregation.cpp (combine_cpus).  Every output format then prints
// it from the row's named values.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ovsq {

enum class AggregationKind { Count, Sum, Avg, Min, Max, Stats, Hist, Lhist };

// One of the values a row of an aggregation holds.
struct AggregationValueName {
  const char* name = nullptr;  // the column's header: "avg", "count"
  bool is_unsigned = false;    // counts; the rest are s64
};

struct AggregationInfo {
  AggregationKind kind;
  const char* name;        // as the query writes it: "count"
  unsigned arguments;      // the value (if any), then constant bounds
  bool bare;               // may be written without '()': `count by x`
  const char* takes;       // "1 argument (the value)", for a wrong count
  unsigned value_size;     // bytes of one CPU's value in the BPF map
  bool histogram;          // buckets (a bucket index ends the key)
  // A row's values, in print order.  The one named like the function is
  // its own value ("value" in JSON); the others are printed beside it.  A
  // histogram's are its totals over the buckets, which text, JSON and CSV
  // leave to the buckets and a metrics histogram serves as _count and _sum.
  std::array<AggregationValueName, 3> values;
  const char* help_call;   // "lhist(v, min, max, step)"
  const char* help_what;   // what it gives, for .help functions
};

// The BPF value of each kind, per CPU (runtime/bpf_program.h has the key):
//   count: u64 count                   sum: s64 sum
//   avg, stats: {s64 sum; u64 count}   min, max: {s64 value; u64 count}
//   hist, lhist: {u64 count; s64 sum} of that bucket's values
inline constexpr AggregationInfo kAggregations[] = {
    {AggregationKind::Count, "count", 0, true, "no arguments", 8, false,
     {{{"count", true}}}, "count()", "how many events"},
    {AggregationKind::Sum, "sum", 1, false, "1 argument (the value)", 8, false,
     {{{"sum"}}}, "sum(v)", "the total of v"},
    {AggregationKind::Avg, "avg", 1, false, "1 argument (the value)", 16, false,
     {{{"avg"}, {"count", true}}}, "avg(v)",
     "the average of v, rounded toward zero, and the count"},
    {AggregationKind::Min, "min", 1, false, "1 argument (the value)", 16, false,
     {{{"min"}}}, "min(v)", "the smallest v"},
    {AggregationKind::Max, "max", 1, false, "1 argument (the value)", 16, false,
     {{{"max"}}}, "max(v)", "the largest v"},
    {AggregationKind::Stats, "stats", 1, false, "1 argument (the value)", 16,
     false, {{{"count", true}, {"sum"}, {"avg"}}}, "stats(v)",
     "the count, total and average of v, in one row"},
    {AggregationKind::Hist, "hist", 1, false, "1 argument (the value)", 16, true,
     {{{"count", true}, {"sum"}}}, "hist(v)",
     "a histogram of v in power-of-two buckets"},
    {AggregationKind::Lhist, "lhist", 4, false,
     "4 arguments (value, min, max, step)", 16, true, {{{"count", true}, {"sum"}}},
     "lhist(v, min, max, step)",
     "a histogram of v in step-wide buckets from min to max"},
};

inline constexpr size_t kAggregationCount = std::size(kAggregations);

constexpr bool aggregation_rows_in_order() {
  for (size_t i = 0; i < kAggregationCount; ++i)
    if (static_cast<size_t>(kAggregations[i].kind) != i) return false;
  return true;
}
static_assert(aggregation_rows_in_order(),
              "kAggregations has one row per AggregationKind, in its order");

constexpr const AggregationInfo& aggregation_info(AggregationKind kind) {
  return kAggregations[static_cast<size_t>(kind)];
}

// The row named `name`, or null.
constexpr const AggregationInfo* find_aggregation(std::string_view name) {
  for (const AggregationInfo& info : kAggregations)
    if (name == info.name) return &info;
  return nullptr;
}

constexpr const char* aggregation_name(AggregationKind kind) {
  return aggregation_info(kind).name;
}

constexpr bool is_histogram(AggregationKind kind) {
  return aggregation_info(kind).histogram;
}

constexpr unsigned aggregation_value_size(AggregationKind kind) {
  return aggregation_info(kind).value_size;
}

// How many of a row's values the kind has.
constexpr size_t aggregation_value_count(AggregationKind kind) {
  size_t n = 0;
  for (const AggregationValueName& v : aggregation_info(kind).values)
    if (v.name != nullptr) ++n;
  return n;
}

// An lhist's buckets between min and max (bounds as sema checked them:
// min < max, step > 0); bucket 0 holds values below min and bucket
// 1 + lhist_buckets(...) those at or above max.
constexpr uint64_t lhist_buckets(int64_t min, int64_t max, int64_t step) {
  if (step <= 0) step = 1;
  __int128 span = static_cast<__int128>(max) - min;
  return span > 0 ? static_cast<uint64_t>(span / step) : 0;
}

}  // namespace ovsq
