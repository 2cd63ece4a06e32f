#include "runtime/kernel_counters.h"

#include <algorithm>

#include "runtime/map_reader.h"

namespace ovsq::runtime {

KernelCounters::KernelCounters(bpf_object* object, const CompiledQuery& programs)
    : programs_(programs),
      ncpus_(libbpf_num_possible_cpus()),
      lost_map_(bpf_object__find_map_by_name(object, kLostMap)),
      full_map_(bpf_object__find_map_by_name(object, kMapFullMap)),
      exit_map_(bpf_object__find_map_by_name(object, kExitMap)),
      lost_reported_(std::max(ncpus_, 0)),
      full_reported_(programs.map_update_sites.size()) {}

void KernelCounters::report_lost(Output& output, const Moment& at, bool final) {
  std::vector<uint64_t> now = read_percpu_counter(lost_map_, 0, ncpus_);
  LostReport report;
  report.at = at;
  report.final = final;
  report.per_cpu.resize(now.size());
  for (size_t cpu = 0; cpu < now.size(); ++cpu) {
    report.per_cpu[cpu] = final ? now[cpu] : now[cpu] - lost_reported_[cpu];
    report.count += report.per_cpu[cpu];
  }
  lost_reported_ = now;
  if (final || report.count > 0) output.lost(report);
}

uint64_t KernelCounters::dropped_at(size_t site) const {
  uint64_t dropped = 0;
  for (uint64_t v : read_percpu_counter(full_map_, uint32_t(site), ncpus_))
    dropped += v;
  return dropped;
}

void KernelCounters::report_full_maps(Output& output) {
  for (size_t site = 0; site < programs_.map_update_sites.size(); ++site) {
    uint64_t dropped = dropped_at(site);
    if (dropped == full_reported_[site]) continue;
    full_reported_[site] = dropped;
    output.map_full({&programs_.map_update_sites[site], dropped});
  }
}

bool KernelCounters::exit_requested() const {
  uint32_t key = 0;
  uint64_t flag = 0;
  return exit_map_ &&
         bpf_map__lookup_elem(exit_map_, &key, sizeof key, &flag, sizeof flag, 0) == 0 &&
         flag != 0;
}

uint64_t KernelCounters::lost_total() const {
  uint64_t total = 0;
  for (uint64_t v : read_percpu_counter(lost_map_, 0, ncpus_)) total += v;
  return total;
}

uint64_t KernelCounters::map_full_total() const {
  uint64_t total = 0;
  for (size_t site = 0; site < programs_.map_update_sites.size(); ++site)
    total += dropped_at(site);
  return total;
}

}  // namespace ovsq::runtime
