#pragma once
// The names the language gives meaning to without a binary, one row each:
// builtins (now, pid, comm, ...) and functions (str, meaning).  Sema
// types them from here and records which one a name or call is; codegen
// lowers that (codegen/program_lowering.cpp); the session's help and
// completion list them from here.  The aggregation functions have their
// own table (support/aggregations.h).
//
// Adding a builtin: a Builtin, its row in kBuiltins and its case in
// ProgramLowering::builtin.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/aggregations.h"

namespace ovsq::frontend {

enum class Builtin { Now, Walltime, Pid, Tid, Uid, Comm, Cpu, Probe };

// What a builtin's value is.
enum class BuiltinType {
  U64,
  U32,
  Comm,       // a string of 16 bytes (TASK_COMM_LEN)
  ProbeEnum,  // the enum of the catalog's probe names, begin and end
};

struct BuiltinInfo {
  Builtin kind;
  const char* name;
  BuiltinType type;
  const char* help;  // docs/language.md's table and .help builtins
};

inline constexpr BuiltinInfo kBuiltins[] = {
    {Builtin::Now, "now", BuiltinType::U64, "monotonic clock, ns (CLOCK_MONOTONIC)"},
    {Builtin::Walltime, "walltime", BuiltinType::U64, "wall-clock time, ns since the epoch"},
    {Builtin::Pid, "pid", BuiltinType::U32, "the traced process"},
    {Builtin::Tid, "tid", BuiltinType::U32, "the traced thread"},
    {Builtin::Uid, "uid", BuiltinType::U32, "the traced thread's real user id"},
    {Builtin::Comm, "comm", BuiltinType::Comm, "the thread's name, a string of 16 bytes"},
    {Builtin::Cpu, "cpu", BuiltinType::U32, "the CPU the probe fired on"},
    {Builtin::Probe, "probe", BuiltinType::ProbeEnum,
     "which probe fired: flow_result, ..., begin, end"},
};

constexpr bool builtin_rows_in_order() {
  for (size_t i = 0; i < std::size(kBuiltins); ++i)
    if (static_cast<size_t>(kBuiltins[i].kind) != i) return false;
  return true;
}
static_assert(builtin_rows_in_order(), "kBuiltins has one row per Builtin, in its order");

constexpr const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins)
    if (name == info.name) return &info;
  return nullptr;
}

constexpr const BuiltinInfo& builtin_info(Builtin kind) {
  return kBuiltins[static_cast<size_t>(kind)];
}

// str(p): bytes read by default, and at most, NUL included.
inline constexpr uint64_t kDefaultStrLength = 64;
inline constexpr uint64_t kMaxStrLength = 256;

// The functions an expression may call.
enum class Function { Str, Meaning };

struct FunctionInfo {
  Function kind;
  const char* name;
  size_t min_arguments, max_arguments;
  const char* takes;  // for a wrong count: "1 argument (an enum value)"
  const char* help_call;
  const char* help_what;
};

inline constexpr FunctionInfo kFunctions[] = {
    {Function::Str, "str", 1, 2, "1 or 2 arguments (pointer, length)", "str(p[, n])",
     "the NUL-terminated text at p in the traced process: n bytes at most, the "
     "NUL included (64 by default, 256 at most)"},
    {Function::Meaning, "meaning", 1, 1, "1 argument (an enum value)", "meaning(e)",
     "an enum value printed as what it means: meaning(reason) is 'flow idle "
     "timeout' for FDR_FLOW_IDLE"},
};
static_assert(kDefaultStrLength == 64 && kMaxStrLength == 256,
              "str()'s help text in kFunctions says so");

constexpr const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& info : kFunctions)
    if (name == info.name) return &info;
  return nullptr;
}

inline std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  for (const BuiltinInfo& info : kBuiltins) names.push_back(info.name);
  return names;
}

inline std::optional<AggregationKind> aggregation_kind(std::string_view name) {
  const AggregationInfo* info = find_aggregation(name);
  if (!info) return std::nullopt;
  return info->kind;
}

inline bool is_aggregation_function(std::string_view name) {
  return find_aggregation(name) != nullptr;
}

inline std::vector<std::string> aggregation_functions() {
  std::vector<std::string> names;
  for (const AggregationInfo& info : kAggregations) names.push_back(info.name);
  return names;
}

// Every function a query may call: the aggregations, then str() and
// meaning().
inline std::vector<std::string> function_names() {
  std::vector<std::string> names = aggregation_functions();
  for (const FunctionInfo& info : kFunctions) names.push_back(info.name);
  return names;
}

inline size_t aggregation_arity(AggregationKind kind) {
  return aggregation_info(kind).arguments;
}

}  // namespace ovsq::frontend
