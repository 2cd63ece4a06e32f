#pragma once
// How values sit in the bytes the BPF programs and the runtime share:
// ring-buffer events (print and printf) and map keys.  Both sides read
// the layouts from here, so they cannot disagree.
#include <cstdint>
#include <string>
#include <vector>

#include "frontend/ast.h"
#include "runtime/bpf_program.h"

namespace ovsq::codegen {

inline constexpr uint32_t kEventHeaderBytes = 8;  // u32 layout id, u32 padding

// A flow key in an event: u64 the key's length in the target, u32 the
// bytes copied (0 when the read failed), u32 padding, then the bytes.
inline constexpr uint32_t kFlowKeyHeaderBytes = 16;
// Filters on key fields walk a per-CPU copy of the key of at most this
// many bytes (a power of two: offsets into it are masked with it - 1).
inline constexpr uint32_t kKeyScratchBytes = 2048;
// The copy's map: PERCPU_ARRAY[1], value kKeyScratchBytes plus slack for
// the widest field read at the last masked offset.
inline constexpr const char* kKeyScratchMap = "key_scratch";
inline constexpr uint32_t kKeyScratchValueBytes = kKeyScratchBytes + 32;

// The runtime column for a typed expression (offset not yet set).
runtime::Column column_for(const frontend::ValueType& type,
                           const std::string& header);

// One event layout: a row of `exprs` under `headers`.
runtime::EventLayout event_layout(const std::string& label,
                                  const std::vector<const frontend::Expr*>& exprs,
                                  const std::vector<std::string>& headers,
                                  uint32_t id);

// A map's key: each component 8-byte aligned (scalars 8 bytes, ufids 16,
// strings their size rounded up to 8), then for Hist/Lhist the u64
// bucket.  A map with no key components (and no bucket) has one zero u64.
struct MapKeyLayout {
  std::vector<runtime::Column> components;  // offset, size, kind
  uint32_t bucket_offset = 0;               // Hist/Lhist
  uint32_t size = 8;
};
MapKeyLayout map_key_layout(const frontend::MapInfo& map);

// The runtime's description of an aggregation map.
runtime::AggregationMap aggregation_map(const frontend::MapInfo& map,
                                        const std::string& bpf_name,
                                        uint32_t max_entries);

}  // namespace ovsq::codegen
