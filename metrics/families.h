#pragma once
// A query's named aggregations as Prometheus metric families: which
// family each becomes (planned once, when the query is compiled, so that
// every mistake is an error before anything attaches), and its series as
// its map stands at a scrape.
//
//   @deleted[reason] = count()   counter   ovsq_deleted_total{reason="..."}
//   sum(e)                       counter   ovsq_NAME_total
//   avg, min, max                gauge     ovsq_NAME
//   hist(e), lhist(e, ...)       histogram ovsq_NAME_bucket{le=...}, _sum, _count
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/source.h"
#include "metrics/exposition.h"
#include "runtime/bpf_program.h"
#include "runtime/output.h"

namespace ovsq::metrics {

// What a named aggregation is exported as.
struct FamilyPlan {
  size_t aggregation = 0;  // index into CompiledQuery::aggregations
  std::string title;       // "@deleted"
  std::string name;        // "ovsq_deleted_total"
  MetricType type = MetricType::Counter;
  std::vector<std::string> label_names;  // the `by` keys', sanitised
  std::string help;
};

// Plans a family for each named aggregation of `programs`.  # HELP is the
// comment on the lines just above the aggregation's first statement, or
// that statement's line.  Throws UserError when there is no named
// aggregation, when the query has `every` (a scrape reads the maps as they
// stand; `every` would empty them), or when a key cannot be a label: a
// whole flow key, a name with no letter, two keys with one label name, or
// a histogram's key named `le`.  Anonymous aggregations are not exported:
// one line each in `warnings`.
std::vector<FamilyPlan> plan_families(const runtime::CompiledQuery& programs,
                                      const frontend::Source& source,
                                      std::string_view prefix,
                                      std::vector<std::string>& warnings);

// The one function that reads an aggregation row (runtime/output.h) into a
// series: everything else here sees only Series.
Series series_of_row(const FamilyPlan& plan, const runtime::AggregationMap& map,
                     const runtime::AggregationRow& row);

// What a family keeps from one scrape to the next, across re-attaches.
struct FamilyMemory {
  // A histogram's every bucket edge any series had at any scrape, so that
  // its `le` sets stay the same from one scrape to the next.
  std::set<int64_t> bounds;
  // Every label set served.  A counter's or histogram's label set that is
  // not in the map (it restarted with a new vswitchd) is served as 0, so
  // that rate() sees the reset instead of a gap.
  std::set<std::vector<std::string>> label_sets;
};

// The family as `table` stands, at most `max_series` series: the table's
// rows (the first are the largest values), then the remembered label sets
// it lacks; `dropped` is set to how many rows were left out.
MetricFamily family_of(const FamilyPlan& plan, const runtime::AggregationTable& table,
                       size_t max_series, FamilyMemory& memory, size_t& dropped);

}  // namespace ovsq::metrics
