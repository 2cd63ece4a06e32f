#pragma once
// What a query's BPF side counted: events the ring buffer had no room for
// (per CPU), updates full maps refused (per statement), and the `exit`
// flag; reported as they change.
#include <bpf/libbpf.h>

#include <cstdint>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/output.h"

namespace ovsq::runtime {

class KernelCounters {
 public:
  // `programs` must outlive the counters.
  KernelCounters(bpf_object* object, const CompiledQuery& programs);

  // Reports events lost since the last report (interval) or in total
  // (final).
  void report_lost(Output& output, const Moment& at, bool final);
  // Reports every map whose drops grew since the last report.
  void report_full_maps(Output& output);
  bool exit_requested() const;

  // Totals as they stand in the kernel now.
  uint64_t lost_total() const;
  uint64_t map_full_total() const;

 private:
  uint64_t dropped_at(size_t site) const;

  const CompiledQuery& programs_;
  int ncpus_;
  bpf_map* lost_map_;
  bpf_map* full_map_;
  bpf_map* exit_map_;
  std::vector<uint64_t> lost_reported_;  // per CPU
  std::vector<uint64_t> full_reported_;  // per site
};

}  // namespace ovsq::runtime
