#pragma once
// The kernel's uprobe perf events for a query's probe locations, opened on
// a background thread while LLVM compiles.  Registering a process's first
// uprobe waits for an RCU grace period (uprobes take dup_mmap_sem, a
// percpu rw-semaphore, for writing): 5 to 30 ms here, the largest part of
// ovsq's start-up.  Opened early, it overlaps code generation and
// loading; a program is attached to an open event later
// (bpf_program__attach_perf_event), which is immediate.
//
// An open event has no program yet: each hit costs the traced process a
// uprobe trap and nothing else until attach_probes attaches one.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ovsq::runtime {

struct UprobeLocation {
  uint64_t file_offset = 0;
  uint64_t semaphore_file_offset = 0;  // 0: no semaphore
};

class UprobeEvents {
 public:
  // Starts opening one event per location and pid (pids empty: one event
  // for every process running `binary`).  A location listed twice (two
  // clauses on one probe) gets two events: an event runs one program.  Signals stay blocked on the
  // thread, so Ctrl-C still reaches the main thread.
  UprobeEvents(std::string binary, std::vector<UprobeLocation> locations,
               std::vector<pid_t> pids);
  ~UprobeEvents();  // waits for the thread; closes every event not taken
  UprobeEvents(const UprobeEvents&) = delete;
  UprobeEvents& operator=(const UprobeEvents&) = delete;

  // Waits until every event is open, then hands over the one for
  // (location, pid) (pid -1 for every process), opening it now if it was
  // not among the locations: its file descriptor, or -errno if opening it
  // failed.  The caller owns a descriptor it takes.
  int take(const UprobeLocation& location, pid_t pid);

 private:
  void open_all();

  std::string binary_;
  std::vector<UprobeLocation> locations_;
  std::vector<pid_t> pids_;
  std::multimap<std::pair<uint64_t, pid_t>, int> events_;  // fd or -errno
  std::thread thread_;
};

}  // namespace ovsq::runtime
