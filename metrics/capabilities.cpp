#include "metrics/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "support/error.h"

namespace ovsq::metrics {
namespace {

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct Named {
  int cap;
  const char* name;
};

// What loading and attaching uprobe programs to a new vswitchd needs:
// bpf() and perf_event_open (CAP_BPF, CAP_PERFMON, or CAP_SYS_ADMIN on
// kernels before 5.8), reading another process's /proc/PID/exe and root
// (CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH), and locked memory on kernels
// that still charge it (CAP_SYS_RESOURCE).
constexpr Named kAttach[] = {{CAP_BPF, "cap_bpf"},
                             {CAP_PERFMON, "cap_perfmon"},
                             {CAP_SYS_ADMIN, "cap_sys_admin"},
                             {CAP_SYS_PTRACE, "cap_sys_ptrace"},
                             {CAP_DAC_READ_SEARCH, "cap_dac_read_search"},
                             {CAP_SYS_RESOURCE, "cap_sys_resource"}};

bool kernel_at_least(int major, int minor) {
  utsname u;
  int a = 0, b = 0;
  if (::uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &a, &b) != 2) return false;
  return a > major || (a == major && b >= minor);
}

// Before 6.5 every bpf() command, map reads included, is refused without
// CAP_BPF (CAP_SYS_ADMIN before 5.8) while unprivileged BPF is disabled.
std::vector<Named> needed_to_read() {
  if (kernel_at_least(6, 5)) return {};
  int disabled = 0;
  std::ifstream("/proc/sys/kernel/unprivileged_bpf_disabled") >> disabled;
  if (disabled == 0) return {};
  if (kernel_at_least(5, 8)) return {{CAP_BPF, "cap_bpf"}};
  return {{CAP_SYS_ADMIN, "cap_sys_admin"}};
}

}  // namespace

std::string drop_capabilities(bool keep_for_attach) {
  // kAttach holds what reading needs too.  (Built whole rather than
  // assigned over needed_to_read()'s: GCC 12's -Warray-bounds misreads
  // that assign, which -Werror makes fatal.)
  std::vector<Named> keep = keep_for_attach
                                ? std::vector<Named>(std::begin(kAttach), std::end(kAttach))
                                : needed_to_read();
  uint64_t kept_mask = 0;
  for (const Named& n : keep) kept_mask |= uint64_t{1} << n.cap;

  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0)
    throw_errno("cannot read ovsq's capabilities", errno);
  // The bounding set first, while CAP_SETPCAP is still effective.
  for (int cap = 0; cap <= 63; ++cap) {
    if (kept_mask & (uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
      ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);  // EPERM without CAP_SETPCAP
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (int word = 0; word < 2; ++word) {
    uint32_t mask = uint32_t(kept_mask >> (32 * word));
    data[word].effective &= mask;
    data[word].permitted &= mask;
    data[word].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) != 0)
    throw_errno("cannot drop ovsq's capabilities", errno);

  std::string names;
  uint64_t had = uint64_t(data[0].permitted) | uint64_t(data[1].permitted) << 32;
  for (const Named& n : keep)
    if (had & (uint64_t{1} << n.cap)) names += (names.empty() ? "" : ",") + std::string(n.name);
  return names.empty() ? "none" : names;
}

}  // namespace ovsq::metrics
