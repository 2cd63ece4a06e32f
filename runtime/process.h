#pragma once
// Finding the process to trace, through /proc.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::runtime {

// The live (not zombie) processes whose /proc/PID/comm is `comm` (compared
// on the kernel's 15 characters when `comm` is longer), or whose argv[0]'s
// basename is `comm`; in increasing PID order.  Includes the caller.
std::vector<pid_t> find_processes_by_comm(std::string_view comm);

// How an Open vSwitch daemon starts (lib/daemon-unix.c, daemonize_start):
// with --detach the process started forks, the child calls setsid() and
// the parent exits once the child has started; with --monitor it forks
// again, the parent stays as a monitor (from then on named "monitor" and
// titled "NAME: monitoring pid N (healthy)") and restarts the child, forked
// anew, if it crashes.  Only
// the last child runs the datapath and fires probes: following its
// short-lived parent would end at once, following the monitor never.  (A
// --detach parent that was itself started as a session leader, as systemd
// would without ovs-ctl, looks like the daemon until it forks.)
enum class OvsDaemonRole { Daemon, DetachingParent, Monitor };

// What /proc shows of a process, enough to tell the roles apart.
struct OvsDaemonFacts {
  bool detach = false;            // "--detach" among its arguments
  bool monitor = false;           // "--monitor" among its arguments
  bool monitor_title = false;     // argv[0] is "NAME: monitoring pid ..."
  bool session_leader = false;    // it called setsid() (or was started so)
  bool parent_same_binary = false;  // its parent runs the same file
};

OvsDaemonRole ovs_daemon_role(const OvsDaemonFacts& facts);

// The one process named `name` (as find_processes_by_comm) whose
// ovs_daemon_role is Daemon.  Throws UserError when there is none or more
// than one.
pid_t find_single_process(std::string_view name);

// find_single_process("ovs-vswitchd").
pid_t find_single_vswitchd();

// One look for an ovs-vswitchd other than those in `gone` (the one that
// exited: an upgrade or a crash restarts it), as --follow waits for it;
// nullopt while there is none, or several, or only a monitor or a parent
// that has not yet detached.
std::optional<pid_t> find_next_vswitchd(const std::vector<pid_t>& gone);

// The path of the executable `pid` runs, to read probes from and attach
// uprobes to.  When that path no longer names the file the process runs
// (the binary was replaced or deleted since it started, or the process is
// in another mount namespace), returns "/proc/PID/exe": the kernel resolves
// it to the running file, so reading it and attaching uprobes through it
// both reach the right inode.  Throws UserError when there is no such
// process, it has no executable (kernel thread, zombie), or permission is
// denied.
std::string executable_of(pid_t pid);

// Whether `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

}  // namespace ovsq::runtime
