#pragma once
// The aggregation functions, shared by the frontend (which checks them),
// codegen (which lowers them) and the runtime (which prints them).

namespace ovsq {

enum class AggregationKind { Count, Sum, Avg, Min, Max, Hist, Lhist };

// "count", "sum", ... as the query writes them.
constexpr const char* aggregation_name(AggregationKind kind) {
  switch (kind) {
    case AggregationKind::Count: return "count";
    case AggregationKind::Sum: return "sum";
    case AggregationKind::Avg: return "avg";
    case AggregationKind::Min: return "min";
    case AggregationKind::Max: return "max";
    case AggregationKind::Hist: return "hist";
    case AggregationKind::Lhist: return "lhist";
  }
  return "count";
}

// Hist and Lhist: a bucket index at the end of the key, {count, sum} as
// value (the sum of the values counted, for a metrics histogram's _sum).
constexpr bool is_histogram(AggregationKind kind) {
  return kind == AggregationKind::Hist || kind == AggregationKind::Lhist;
}

// Bytes of one CPU's value in the BPF map (runtime/bpf_program.h has the
// layouts): {sum, count} for avg, {value, count} for min/max and
// {count, sum} for each bucket of hist/lhist.
constexpr unsigned aggregation_value_size(AggregationKind kind) {
  return kind == AggregationKind::Count || kind == AggregationKind::Sum ? 8 : 16;
}

}  // namespace ovsq
