#include "runtime/uprobe_events.h"

#include <linux/perf_event.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ovsq::runtime {
namespace {

// The uprobe PMU's type, or -errno (no PMU: a kernel without
// CONFIG_UPROBE_EVENTS, or no sysfs).
int uprobe_pmu_type() {
  FILE* f = std::fopen("/sys/bus/event_source/devices/uprobe/type", "r");
  if (f == nullptr) return -ENOENT;
  int type = -EINVAL;
  if (std::fscanf(f, "%d", &type) != 1) type = -EINVAL;
  std::fclose(f);
  return type;
}

// The attr layout libbpf uses: the path and offset in config1/config2, the
// semaphore's offset in config's upper half (PERF_UPROBE_REF_CTR_OFFSET).
int open_uprobe(int pmu_type, const std::string& binary,
                const UprobeLocation& location, pid_t pid) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = uint32_t(pmu_type);
  attr.config = location.semaphore_file_offset << 32;
  attr.config1 = reinterpret_cast<uintptr_t>(binary.c_str());
  attr.config2 = location.file_offset;
  // A system-wide uprobe is opened on CPU 0 but fires on every CPU.
  int cpu = pid < 0 ? 0 : -1;
  long fd = ::syscall(SYS_perf_event_open, &attr, pid < 0 ? -1 : pid, cpu, -1,
                      PERF_FLAG_FD_CLOEXEC);
  return fd < 0 ? -errno : int(fd);
}

}  // namespace

UprobeEvents::UprobeEvents(std::string binary, std::vector<UprobeLocation> locations,
                           std::vector<pid_t> pids)
    : binary_(std::move(binary)), locations_(std::move(locations)),
      pids_(std::move(pids)) {
  if (pids_.empty()) pids_.push_back(-1);
  if (locations_.empty()) return;  // take() opens each on demand
  // The thread inherits the signal mask it is created with.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { open_all(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

UprobeEvents::~UprobeEvents() {
  if (thread_.joinable()) thread_.join();
  for (auto& [key, fd] : events_)
    if (fd >= 0) ::close(fd);  // not taken
}

void UprobeEvents::open_all() {
  int pmu_type = uprobe_pmu_type();
  for (const UprobeLocation& location : locations_)
    for (pid_t pid : pids_)
      events_.emplace(std::make_pair(location.file_offset, pid),
                      pmu_type < 0 ? pmu_type
                                   : open_uprobe(pmu_type, binary_, location, pid));
}

int UprobeEvents::take(const UprobeLocation& location, pid_t pid) {
  if (thread_.joinable()) thread_.join();
  auto it = events_.find({location.file_offset, pid});
  if (it == events_.end()) {
    int pmu_type = uprobe_pmu_type();
    return pmu_type < 0 ? pmu_type : open_uprobe(pmu_type, binary_, location, pid);
  }
  int fd = it->second;
  events_.erase(it);
  return fd;
}

}  // namespace ovsq::runtime
