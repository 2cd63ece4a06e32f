#pragma once
// The metrics exporter, ovsq's third front (beside the one-shot driver and
// the session; docs/metrics.md): one query, compiled by the shared
// pipeline and run as a runtime::Query on an EventLoop, whose named
// aggregations are served as Prometheus metrics.  A scrape reads the maps
// as they stand (Query::show, never reset), on the loop's thread.  When
// the traced vswitchd exits the exporter keeps serving, and with `follow`
// compiles the query again for the next ovs-vswitchd and attaches to it.
#include <cstddef>
#include <iosfwd>
#include <string>

#include "frontend/source.h"
#include "metrics/http_server.h"
#include "pipeline/pipeline.h"
#include "pipeline/settings.h"
#include "probes/debug_info.h"

namespace ovsq::metrics {

struct ExporterOptions {
  ListenAddress address;          // --metrics
  std::string prefix = "ovsq_";   // --metrics-prefix
  size_t max_series = 10000;      // --metrics-max-series, per aggregation
  bool follow = false;            // --follow
  bool quiet = false;             // -q: no status lines
  std::string version;            // for ovsq_build_info
};

// Compiles the query and checks it can be exported, listens, attaches,
// drops the capabilities it no longer needs, and serves until SIGINT or
// SIGTERM (or the query stops by itself: `exit`, `for`, `limit`, or the
// vswitchd exits without `follow`).  Every error before attaching (the
// query, no named aggregation, a key that cannot be a label, the address
// in use) throws UserError or pipeline::QueryError.  Returns the exit
// status.
int run_exporter(const frontend::Source& source, const pipeline::QuerySettings& settings,
                 pipeline::Target target, const probes::DebugInfoOptions& debug_options,
                 const ExporterOptions& options, std::ostream& err);

}  // namespace ovsq::metrics
