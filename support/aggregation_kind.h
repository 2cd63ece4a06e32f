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

}  // namespace ovsq
