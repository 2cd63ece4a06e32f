#pragma once
// --filter-flows "ipv4(src=192.168.10.10),tcp(dst=443)": the seed script's
// ODP-like flow filter (flow_reval_monitor.py -l), the same fields and
// spellings as dpctl/dump-flows prints, meaning the `where` condition
//
//   key.ipv4.src == 192.168.10.10 && key.tcp.dst == 443
//
// Like the seed's, a filter names exact values (no masks).  Unlike the
// seed's, it is evaluated in the kernel against the key the probe carries,
// so deletions of flows installed before tracing began match too.
#include <optional>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace ovsq::frontend {

// Parses `source` (the option's text, named "--filter-flows") into its
// condition, every field and value checked (diagnostics point into the
// option's text).  nullopt after recording diagnostics.
std::optional<ExprPtr> parse_flow_filter(const Source& source, Diagnostics& diagnostics);

// ANDs `filter` (a copy each) into the `where` of every `on` clause whose
// probes all carry a flow key; returns how many clauses it went into.
// Locations in the copies are the clause's, so that nothing points into
// another source.
size_t apply_flow_filter(Program& program, const Expr& filter);

}  // namespace ovsq::frontend
