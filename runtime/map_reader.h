#pragma once
// Reads the state the BPF programs keep in maps: aggregations (each key's
// per-CPU values) and per-CPU counters (lost events, full-map drops).
#include <cstdint>
#include <vector>

#include "runtime/output.h"

struct bpf_map;
struct bpf_object;

namespace ovsq::runtime {

// Every entry of an aggregation map, read in batches where the kernel has
// them (a scrape of 10,000 keys is 40 syscalls, not 20,000).  With
// `reset`, each entry is deleted as it is read (atomically per hash
// bucket, with the kernel's batch lookup-and-delete), so the next interval
// starts empty.
std::vector<RawEntry> read_aggregation(bpf_map* map, const AggregationMap& desc,
                                       int ncpus, bool reset);

// Element `index` of a PERCPU_ARRAY of u64, one value per CPU (zeros when
// it cannot be read).
std::vector<uint64_t> read_percpu_counter(bpf_map* map, uint32_t index, int ncpus);

// Every aggregation of `programs` in the loaded `object`, decoded, in
// program order (emptied with `reset`).
struct AggregationTables {
  std::vector<AggregationTable> tables;
  bool empty = true;  // no entry in any
};
AggregationTables read_aggregations(bpf_object* object, const CompiledQuery& programs,
                                    bool reset);

}  // namespace ovsq::runtime
