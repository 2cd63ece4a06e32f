#pragma once
// What codegen hands to the runtime: a BPF ELF object in memory, where each
// of its programs attaches, and how to decode the events it emits.
//
// Event wire format (all little-endian, host = target = x86_64):
//   struct event { uint32_t layout_id; uint32_t pad; <columns at their offsets> };
// layout_id indexes BpfProgramSet::layouts.  Every column is naturally
// aligned and the whole event is padded to 8 bytes.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ovsq::runtime {

// Names shared by codegen (which defines them) and the runtime (which looks
// them up in the loaded object).
inline constexpr const char* kEventsMap = "events";  // BPF_MAP_TYPE_RINGBUF
inline constexpr const char* kLostMap = "lost";      // PERCPU_ARRAY[1] of u64

enum class ColumnKind {
  Unsigned,  // size 1/2/4/8, printed in decimal
  Signed,    // size 1/2/4/8, printed in decimal
  Bool,      // printed as true/false
  Enum,      // printed by enumerator name, or the number when it has none
  Pointer,   // printed as 0x... hex
  Ufid,      // 16 bytes, ovs_u128 u32[4], printed as ufid:%08x-%04x-...
};

struct Column {
  std::string header;   // as the user wrote the expression
  ColumnKind kind = ColumnKind::Unsigned;
  uint32_t offset = 0;  // from the start of the event
  uint32_t size = 8;
  std::vector<std::pair<int64_t, std::string>> enumerators;  // Enum
};

struct EventLayout {
  uint32_t id = 0;
  // Names the clause in the output when a program has several layouts
  // (see runtime/event_printer.h), e.g. "revalidate:flow_result"; empty:
  // "#<id>".
  std::string label;
  uint32_t size = 0;  // bytes, including the 8-byte header
  std::vector<Column> columns;
};

// One uprobe to create: program `program` at `file_offset` of the binary,
// with the probe's semaphore (if any) raised through the kernel's
// ref_ctr_offset so nothing is left raised if ovsq dies.
struct AttachPoint {
  std::string program;        // BPF program (function) name in the object
  std::string probe;          // provider:name, for messages
  uint64_t file_offset = 0;
  uint64_t semaphore_file_offset = 0;  // 0 = no semaphore
};

struct BpfProgramSet {
  std::vector<uint8_t> object;  // ELF, for bpf_object__open_mem
  std::string binary;           // the traced executable's path
  std::vector<AttachPoint> attach_points;
  std::vector<EventLayout> layouts;
  uint32_t ringbuf_bytes = 0;   // size of kEventsMap
};

}  // namespace ovsq::runtime
