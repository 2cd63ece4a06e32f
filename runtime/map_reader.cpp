#include "runtime/map_reader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace ovsq::runtime {
namespace {

// libbpf's per-CPU value layout: each CPU's value padded to 8 bytes.
size_t percpu_stride(const AggregationMap& desc) {
  return (desc.value_size + 7) / 8 * 8;
}

// One key's values as RawEntry holds them: libbpf's layout, as read.
void take_values(const uint8_t* padded, const AggregationMap& desc, int ncpus,
                 std::vector<uint8_t>& out) {
  out.assign(padded, padded + size_t(ncpus) * percpu_stride(desc));
}

std::vector<std::vector<uint8_t>> all_keys(int fd, uint32_t key_size) {
  std::vector<std::vector<uint8_t>> keys;
  std::vector<uint8_t> key(key_size), next(key_size);
  const void* previous = nullptr;
  while (bpf_map_get_next_key(fd, previous, next.data()) == 0) {
    keys.push_back(next);
    key = next;
    previous = key.data();
  }
  return keys;
}

// Every entry in batches of 256 (a syscall each, where one per key would
// be two), deleted with `reset`.  Returns false when the kernel has no
// batch operation for this map.
bool read_batch(int fd, const AggregationMap& desc, int ncpus, bool reset,
                std::vector<RawEntry>& entries) {
  constexpr uint32_t kBatch = 256;
  size_t stride = percpu_stride(desc) * ncpus;
  std::vector<uint8_t> keys(size_t(kBatch) * desc.key_size);
  std::vector<uint8_t> values(size_t(kBatch) * stride);
  // The batch cursor is opaque; a hash map's is a u32 bucket number.
  uint64_t in_batch = 0, out_batch = 0;
  bool first = true;
  for (;;) {
    uint32_t count = kBatch;
    auto batch = reset ? bpf_map_lookup_and_delete_batch : bpf_map_lookup_batch;
    int err = batch(fd, first ? nullptr : &in_batch, &out_batch, keys.data(),
                    values.data(), &count, nullptr);
    int e = err ? errno : 0;
    if (err && e != ENOENT) return first && entries.empty() ? false : true;
    for (uint32_t i = 0; i < count; ++i) {
      RawEntry entry;
      entry.key.assign(keys.begin() + size_t(i) * desc.key_size,
                       keys.begin() + size_t(i + 1) * desc.key_size);
      take_values(values.data() + i * stride, desc, ncpus, entry.values);
      entries.push_back(std::move(entry));
    }
    if (err) return true;  // ENOENT: that was the last batch
    in_batch = out_batch;
    first = false;
  }
}

}  // namespace

std::vector<RawEntry> read_aggregation(bpf_map* map, const AggregationMap& desc,
                                       int ncpus, bool reset) {
  std::vector<RawEntry> entries;
  int fd = bpf_map__fd(map);
  if (read_batch(fd, desc, ncpus, reset, entries)) return entries;
  std::vector<uint8_t> padded(percpu_stride(desc) * ncpus);
  for (std::vector<uint8_t>& key : all_keys(fd, desc.key_size)) {
    int err = reset ? bpf_map_lookup_and_delete_elem(fd, key.data(), padded.data())
                    : bpf_map_lookup_elem(fd, key.data(), padded.data());
    if (err && reset) {  // older kernels: no lookup-and-delete on hashes
      err = bpf_map_lookup_elem(fd, key.data(), padded.data());
      if (!err) bpf_map_delete_elem(fd, key.data());
    }
    if (err) continue;  // deleted meanwhile
    RawEntry entry;
    entry.key = std::move(key);
    take_values(padded.data(), desc, ncpus, entry.values);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<uint64_t> read_percpu_counter(bpf_map* map, uint32_t index, int ncpus) {
  std::vector<uint64_t> values(ncpus > 0 ? ncpus : 0);
  if (map == nullptr || values.empty()) return values;
  if (bpf_map__lookup_elem(map, &index, sizeof index, values.data(),
                           values.size() * sizeof(uint64_t), 0) != 0)
    std::fill(values.begin(), values.end(), 0);
  return values;
}

AggregationTables read_aggregations(bpf_object* object, const CompiledQuery& programs,
                                    bool reset) {
  int ncpus = libbpf_num_possible_cpus();
  AggregationTables result;
  for (const AggregationMap& desc : programs.aggregations) {
    bpf_map* map = bpf_object__find_map_by_name(object, desc.bpf_name.c_str());
    std::vector<RawEntry> entries =
        map ? read_aggregation(map, desc, ncpus, reset) : std::vector<RawEntry>();
    result.empty = result.empty && entries.empty();
    result.tables.push_back(decode_aggregation(desc, entries, ncpus));
  }
  return result;
}

}  // namespace ovsq::runtime
