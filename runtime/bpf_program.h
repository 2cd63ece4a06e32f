#pragma once
// What codegen hands to the runtime: a BPF ELF object in memory, where each
// of its programs attaches, and how to decode the events it emits.
//
// Event wire format (all little-endian, host = target = x86_64):
//   struct event { uint32_t layout_id; uint32_t pad; <columns at their offsets> };
// layout_id indexes CompiledQuery::layouts.  Every column is naturally
// aligned and the whole event is padded to 8 bytes.  Layout id
// kExitEventId is the `exit` statement's event (8 bytes, no columns).
//
// Aggregation maps (AggregationMap): BPF_MAP_TYPE_PERCPU_HASH, key = the
// key columns at their offsets (each 8-byte aligned, zero-padded), plus for
// hist/lhist a trailing u64 bucket index; value per CPU as
// support/aggregations.h says for each kind (min/max: count 0 is no value
// on that CPU).
// Hist buckets: index 0 holds values < 0, 1 holds 0, k >= 2 holds
// [2^(k-2), 2^(k-1)).  Lhist buckets: 0 holds values < min, 1 + i holds
// [min + i*step, min + (i+1)*step), and the last, 1 + (max-min)/step,
// holds values >= max (1 + lhist_buckets(min, max, step)).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/column_kinds.h"
#include "support/printf_conversion.h"
#include "support/aggregations.h"

namespace ovsq::runtime {

// Names shared by codegen (which defines them) and the runtime (which looks
// them up in the loaded object).
inline constexpr const char* kEventsMap = "events";  // BPF_MAP_TYPE_RINGBUF
inline constexpr const char* kLostMap = "lost";      // PERCPU_ARRAY[1] of u64
// PERCPU_ARRAY[CompiledQuery::map_update_sites.size()] of u64: updates a
// full map refused, by site.
inline constexpr const char* kMapFullMap = "map_full";
// ARRAY[1] of u64, set to 1 by `exit` (its event may not fit the ring).
inline constexpr const char* kExitMap = "exit_flag";
inline constexpr uint32_t kExitEventId = 0xffffffff;
// Functions of the ovsq binary that `begin` and `end` programs attach to
// (uprobes on ovsq itself, which calls them once each).
inline constexpr const char* kBeginTrigger = "ovsq_begin_trigger";
inline constexpr const char* kEndTrigger = "ovsq_end_trigger";

// ColumnKind and what each kind is: runtime/column_kinds.h.

struct Column {
  std::string header;   // as the user wrote the expression
  ColumnKind kind = ColumnKind::Unsigned;
  uint32_t offset = 0;  // from the start of the event
  uint32_t size = 8;
  std::vector<std::pair<int64_t, std::string>> enumerators;  // Enum
  bool masked = false;  // FlowKey: the key and its mask
};

// One piece of a printf event: literal text, then (when column >= 0) the
// column's value formatted by `conversion`, parsed by the frontend
// (support/printf_conversion.h), whose argument sema checked against the
// column's kind: %d %i %u %x %X %o %s %c %p with flags, width and
// precision; %s formats any column as its text form.
struct PrintfPiece {
  std::string literal;
  int column = -1;
  PrintfConversion conversion;
};

struct EventLayout {
  uint32_t id = 0;
  // Names the clause in the output when a program has several layouts
  // (see runtime/event_printer.h), e.g. "revalidate:flow_result"; empty:
  // "#<id>".
  std::string label;
  uint32_t size = 0;  // bytes, including the 8-byte header
  std::vector<Column> columns;
  // printf: the event is one line of text made of these pieces, not a row
  // of the columns.
  bool is_printf = false;
  std::vector<PrintfPiece> printf_pieces;
};

using ovsq::AggregationKind;

// An aggregation kept in the kernel (layout above), read at the end and at
// every `every` interval.
struct AggregationMap {
  std::string bpf_name;  // the map's name in the object
  std::string title;     // "@idle", or an anonymous one's text: "count by reason"
  AggregationKind kind = AggregationKind::Count;
  std::vector<Column> keys;  // offsets from the start of the key
  uint32_t key_size = 0;     // Hist/Lhist: includes the trailing u64 bucket
  uint32_t value_size = 8;   // per CPU
  int64_t lhist_min = 0, lhist_max = 0, lhist_step = 1;
  uint32_t max_entries = 0;
};

// A statement that inserts into a map, for "map @x is full" reports.
struct MapUpdateSite {
  std::string map;    // "@born" or an anonymous aggregation's title
  std::string where;  // "flow.ovsq:3:5"
  uint32_t max_entries = 0;
};

// One uprobe to create: program `program` at `file_offset` of the binary,
// with the probe's semaphore (if any) raised through the kernel's
// ref_ctr_offset so nothing is left raised if ovsq dies.
struct AttachPoint {
  enum class Trigger { Probe, Begin, End };
  Trigger trigger = Trigger::Probe;  // Begin/End: on ovsq's own trigger
  std::string program;        // BPF program (function) name in the object
  std::string probe;          // provider:name, for messages
  uint64_t file_offset = 0;
  uint64_t semaphore_file_offset = 0;  // 0 = no semaphore
};

// The whole compiled query (the pipeline's CheckedQuery, lowered to a
// codegen::LoweredQuery, emitted): its BPF object, whose BPF programs are
// one per distinct argument-spec set of each probe of each clause plus
// begin and end, where each program attaches, and how to read its events
// and maps.
struct CompiledQuery {
  std::vector<uint8_t> object;  // ELF, for bpf_object__open_mem
  std::string binary;           // the traced executable's path
  std::vector<AttachPoint> attach_points;
  std::vector<EventLayout> layouts;
  uint32_t ringbuf_bytes = 0;   // size of kEventsMap
  std::vector<AggregationMap> aggregations;
  std::vector<MapUpdateSite> map_update_sites;  // indexes kMapFullMap
  // Run limits (0: none): print and reset aggregations every `every_ns`,
  // stop after `for_ns`, stop after `limit_rows` rows (events and printf
  // lines).
  uint64_t every_ns = 0;
  uint64_t for_ns = 0;
  uint64_t limit_rows = 0;
};

}  // namespace ovsq::runtime
