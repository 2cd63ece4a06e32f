#pragma once
// The names the language gives meaning to without a binary: builtins
// (now, pid, comm, ...) and aggregation functions (count, hist, ...).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast.h"

namespace ovsq::frontend {

inline Binding::BuiltinKind builtin_kind(std::string_view name) {
  using K = Binding::BuiltinKind;
  if (name == "now") return K::Now;
  if (name == "walltime") return K::Walltime;
  if (name == "pid") return K::Pid;
  if (name == "tid") return K::Tid;
  if (name == "comm") return K::Comm;
  if (name == "cpu") return K::Cpu;
  if (name == "probe") return K::Probe;
  return K::None;
}

inline std::vector<std::string> builtin_names() {
  return {"now", "walltime", "pid", "tid", "comm", "cpu", "probe"};
}

inline std::optional<AggregationKind> aggregation_kind(std::string_view name) {
  using K = AggregationKind;
  if (name == "count") return K::Count;
  if (name == "sum") return K::Sum;
  if (name == "avg") return K::Avg;
  if (name == "min") return K::Min;
  if (name == "max") return K::Max;
  if (name == "hist") return K::Hist;
  if (name == "lhist") return K::Lhist;
  return std::nullopt;
}

inline bool is_aggregation_function(std::string_view name) {
  return aggregation_kind(name).has_value();
}

inline std::vector<std::string> aggregation_functions() {
  return {"count", "sum", "avg", "min", "max", "hist", "lhist"};
}

// Every function a query may call: the aggregations, str() and meaning().
inline std::vector<std::string> function_names() {
  std::vector<std::string> names = aggregation_functions();
  names.push_back("str");
  names.push_back("meaning");
  return names;
}

// str(p): bytes read by default, and at most, NUL included.
inline constexpr uint64_t kDefaultStrLength = 64;
inline constexpr uint64_t kMaxStrLength = 256;

// How many arguments each takes.
inline size_t aggregation_arity(AggregationKind kind) {
  if (kind == AggregationKind::Count) return 0;
  if (kind == AggregationKind::Lhist) return 4;
  return 1;
}

}  // namespace ovsq::frontend
