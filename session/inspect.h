#pragma once
// What the session's looking-around commands print: `.probes` (the
// catalog against the binary's notes), `.describe PROBE` (a probe's
// fields with their C types and enum values) and `.type NAME` (a struct,
// union or enum from the DWARF, pahole-style).  Pure functions of the
// notes and debug info, so they are unit-tested on the sim without a
// kernel or a terminal.
#include <string>
#include <string_view>

#include "probes/debug_info.h"
#include "probes/usdt_notes.h"

namespace ovsq::session {

// `.probes`: every probe of the catalog, whether the binary has it, its
// location count and whether it has a semaphore; then the binary's probes
// the catalog does not know.
std::string describe_probes(const probes::UsdtNotes& notes, const std::string& binary);

// `.describe PROBE` (a catalog short name or provider:name).  Throws
// UserError with a did-you-mean for an unknown probe.
std::string describe_probe(std::string_view probe, const probes::UsdtNotes& notes,
                           probes::DebugInfo& debug_info, const std::string& binary);

// `.type NAME` ("struct udpif_key", "udpif_key", "enum reval_result",
// "ovs_u128").  Throws UserError with a did-you-mean when there is none.
std::string describe_type(std::string_view name, probes::DebugInfo& debug_info);

}  // namespace ovsq::session
