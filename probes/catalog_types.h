#pragma once
// The types of upstream Open vSwitch on x86_64 as ovsq's catalog knows
// them, for a binary without debug info (production vswitchd binaries are
// often stripped, with no debug package installed).  A DebugInfo like the
// DWARF one (probes/debug_info.h), built from tables instead of DWARF:
//
// - enums reval_result, flow_del_reason (with FDR_FLOW_MISSING_DP),
//   dpif_upcall_type and dpif_flow_put_flags, with upstream's values
//   (probes/catalog's catalog_enums());
// - struct udpif_key up to pmd_id (a partial layout: asking for any other
//   member is an error), struct dpif_flow_put, dpif_flow_del and
//   dpif_flow_get (lib/dpif.h) and ovs_u128, with x86_64 offsets;
// - the integer types the catalog's arguments use (uint16_t, uint32_t,
//   size_t, unsigned int, char, ...);
// - any other struct as an incomplete one, so that pointers to it are
//   pointers to a struct whose layout is not known.
//
// The enum values come from here only when the binary has no DWARF: the
// driver uses this after DebugInfo::open found none, with a warning.
#include <memory>
#include <string>

#include "probes/debug_info.h"

namespace ovsq::probes {

// The built-in types; source() is "ovsq's built-in types".
std::unique_ptr<DebugInfo> builtin_debug_info();
// Whether `info` is builtin_debug_info()'s: upstream's layouts, some of
// them partial, rather than the binary's own.
bool is_builtin(const DebugInfo& info);

struct OpenedDebugInfo {
  std::unique_ptr<DebugInfo> info;
  // Set when `info` is the built-in types: "no debug info for PATH (REASON);
  // using ovsq's built-in enum values and layouts of upstream Open vSwitch,
  // which may not match this build".  Print it once, as a warning.
  std::string warning;
};

// DebugInfo::open, except that when the search finds no DWARF (and no
// --debug-file was given: a wrong --debug-file stays an error), the result
// is the built-in types with a warning.  Every other error is thrown.
OpenedDebugInfo open_debug_info(const std::string& binary,
                                const DebugInfoOptions& options);

}  // namespace ovsq::probes
