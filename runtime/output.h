#pragma once
// Everything ovsq prints while tracing goes through one Output, in one of
// three formats (docs/output.md is the user-facing description):
//   text  aligned rows (runtime/event_printer.h), printf lines, aggregation
//         tables and histogram bar charts; status lines (lost events, full
//         maps) go to the error stream.
//   json  one JSON object per line on the output stream, for every kind of
//         record including lost events, full maps and errors.
//   csv   RFC 4180: event rows under one header record per row layout
//         (with a leading "clause" field when there are several), each
//         aggregation at one time a table of its own after a blank line;
//         event rows after aggregation tables start again with a blank line
//         and the header records.  Status lines go to the error stream as
//         in text.
// Values read as runtime/value_format.h describes, in every format.
// The query (runtime/query.h) decides what happens when; an Output only
// formats.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"

namespace ovsq::runtime {

enum class OutputFormat { Text, Json, Csv };

// One cell of a decoded key: its text as the event printer shows it (enum
// names, ufid:..., decimal) and whether JSON writes it as a number.
struct Cell {
  std::string text;
  bool is_number = false;
};

struct HistBucket {
  // Text: "(..., 0)", "[0]", "[1]", "[2, 4)", "[4K, 8K)", "[100, ...)";
  // JSON: the bounds as numbers (low inclusive, high exclusive; absent at
  // the open ends).  The highest hist bucket, [2^62, 2^63), has no high
  // (2^63 is no int64; no s64 value is above it anyway): "[4E, ...)".
  bool has_low = false, has_high = false;
  int64_t low = 0, high = 0;
  uint64_t count = 0;
};

// One of a row's values, named as support/aggregations.h names the
// kind's values ("avg", "count").
struct AggregationValue {
  const char* name = "";
  int64_t value = 0;  // the bits of a u64 when is_unsigned
  bool is_unsigned = false;
};

struct AggregationRow {
  std::vector<Cell> key;
  // Values, in the kind's order: count: count; sum: sum; avg: avg (sum /
  // count, integer division toward zero, as bpftrace prints it) and count;
  // min, max: the value; stats: count, sum, avg; hist, lhist: count and
  // sum over all buckets (the sum wrapping in 64 bits), which text, JSON
  // and CSV leave to the buckets and a metrics histogram serves as _count
  // and _sum.
  std::vector<AggregationValue> values;
  // Hist/Lhist: buckets from the lowest non-empty one to the highest,
  // empty ones in between kept.
  std::vector<HistBucket> buckets;

  // The value called `name`, or null.
  const AggregationValue* find(std::string_view name) const {
    for (const AggregationValue& v : values)
      if (name == v.name) return &v;
    return nullptr;
  }
};

// An aggregation's contents at one moment, rows sorted: by their first
// value, largest first, ties by key; Hist/Lhist by key.  Keys compare column by
// column: numbers, bools, enums (by value) and pointers numerically, ufids
// as their text, strings bytewise.  Entries with nothing in them (no events;
// every bucket 0) are left out, a sum of 0 is kept; so are entries
// shorter than the map's key or value.
struct AggregationTable {
  const AggregationMap* map = nullptr;
  std::vector<AggregationRow> rows;
};

// Raw contents of an aggregation map: each key with one value per CPU.
struct RawEntry {
  std::vector<uint8_t> key;
  // ncpus values, each map.value_size bytes rounded up to 8 (libbpf's
  // per-CPU layout)
  std::vector<uint8_t> values;
};

// Combines per-CPU values, decodes keys and buckets, and sorts: the rows
// any front prints (runtime/output_*.cpp, a metrics exporter) are these.
AggregationTable decode_aggregation(const AggregationMap& map,
                                    std::span<const RawEntry> entries,
                                    int ncpus);

// When an interval or the run ended.
struct Moment {
  std::chrono::system_clock::time_point wall;
  uint64_t interval = 0;  // 1, 2, ... for `every`; 0 at the end of the run
  // The process the tables counted, when a followed run counts several one
  // after another (QueryOptions::follow); 0: not named.
  pid_t process = 0;
};

struct LostReport {
  Moment at;
  uint64_t count = 0;             // in this interval, or in total when final
  std::vector<uint64_t> per_cpu;  // same period, index = CPU
  bool final = false;
};

struct MapFullReport {
  const MapUpdateSite* site = nullptr;
  uint64_t dropped = 0;  // in total
};

class Output {
 public:
  // `layouts` is copied; `out` and `err` must outlive the Output.
  static std::unique_ptr<Output> create(OutputFormat format,
                                        const std::vector<EventLayout>& layouts,
                                        std::ostream& out, std::ostream& err);
  virtual ~Output() = default;

  // Header lines for the event rows (text, csv); nothing for json.
  virtual void start() = 0;
  // One ring-buffer record (row or printf line).  False when malformed
  // (shorter than its layout, unknown layout id; nothing written).  The
  // exit event (kExitEventId) is accepted and writes nothing.
  virtual bool event(std::span<const uint8_t> data) = 0;
  // The aggregations at the end of an interval (at.interval >= 1) or of
  // the run (0): a timestamp line (text, intervals only) then each table.
  virtual void aggregations(const Moment& at,
                            std::span<const AggregationTable> tables) = 0;
  // Text and csv write a line to `err` only when events were lost; json
  // writes interval reports when events were lost, and always the final
  // report (so call it once at the end, with final set, even for 0).
  virtual void lost(const LostReport& report) = 0;
  // Nothing when nothing was dropped.
  virtual void map_full(const MapFullReport& report) = 0;
  // A runtime error that ends the run: a json record; nothing in text and
  // csv (the driver tells stderr).
  virtual void error(std::string_view message) = 0;
  // Flushes both streams.
  virtual void flush() = 0;
  // False once the output stream failed (e.g. its reader went away).
  virtual bool good() const = 0;
};

}  // namespace ovsq::runtime
