#include "driver/version.h"

#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ovsq::driver {
namespace {

// Each check is cheap (a stat, or one map created and closed) and never
// fails --version: what cannot be told is printed as such.
std::string yes_no(bool found) { return found ? "yes" : "no"; }

std::string ring_buffer_support() {
  int supported = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr);
  if (supported < 0) return "unknown (" + std::string(std::strerror(-supported)) + ")";
  return yes_no(supported == 1);
}

bool exists(const char* path) { return ::access(path, F_OK) == 0; }

}  // namespace

void print_version(std::ostream& out) {
  utsname kernel{};
  ::uname(&kernel);
  out << "ovsq " OVSQ_VERSION "\n"
      << "built with LLVM " OVSQ_LLVM_VERSION ", libbpf " OVSQ_LIBBPF_VERSION
         ", libdw " OVSQ_LIBDW_VERSION "\n"
      << "kernel " << kernel.release << ": ring buffer " << ring_buffer_support()
      // The uprobe PMU takes a USDT semaphore's address (ref_ctr_offset)
      // since Linux 4.20; without it ovsq cannot raise semaphores.
      << ", uprobe ref_ctr_offset "
      << yes_no(exists("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset"))
      << ", BTF " << yes_no(exists("/sys/kernel/btf/vmlinux")) << "\n";
}

}  // namespace ovsq::driver
