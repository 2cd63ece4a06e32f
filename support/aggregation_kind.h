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

// Hist and Lhist: a bucket index at the end of the key, a count as value.
constexpr bool is_histogram(AggregationKind kind) {
  return kind == AggregationKind::Hist || kind == AggregationKind::Lhist;
}

// Bytes of one CPU's value in the BPF map (runtime/bpf_program.h has the
// layouts): {sum, count} for avg and {value, count} for min/max.
constexpr unsigned aggregation_value_size(AggregationKind kind) {
  return kind == AggregationKind::Avg || kind == AggregationKind::Min ||
                 kind == AggregationKind::Max
             ? 16
             : 8;
}

}  // namespace ovsq
