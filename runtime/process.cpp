#include "runtime/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>

#include "support/error.h"

namespace ovsq::runtime {
namespace {

constexpr size_t kCommLength = 15;  // TASK_COMM_LEN - 1

std::string proc_path(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// The start of a small /proc file ("" when it cannot be read: the process
// may have exited meanwhile).
std::string read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

struct ProcStat {
  std::string comm;
  char state = '?';
  pid_t parent = 0;
  pid_t session = 0;
};

// /proc/PID/stat is "PID (COMM) STATE PPID PGRP SESSION ..."; COMM may hold
// spaces and ')'.
bool read_stat(pid_t pid, ProcStat& out) {
  std::string stat = read_small_file(proc_path(pid, "stat"));
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos ||
      close < open || close + 2 >= stat.size())
    return false;
  out.comm = stat.substr(open + 1, close - open - 1);
  out.state = stat[close + 2];
  long group = 0;
  std::sscanf(stat.c_str() + close + 3, "%d %ld %d", &out.parent, &group,
              &out.session);
  return true;
}

bool is_dead(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// argv as the process now shows it (it may have rewritten it).
std::vector<std::string> argv_of(pid_t pid) {
  std::string cmdline = read_small_file(proc_path(pid, "cmdline"));
  std::vector<std::string> argv;
  for (size_t start = 0; start < cmdline.size();) {
    size_t end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    argv.push_back(cmdline.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

std::string argv0_of(pid_t pid) {
  std::vector<std::string> argv = argv_of(pid);
  return argv.empty() ? std::string() : argv.front();
}

bool has_name(const ProcStat& stat, pid_t pid, std::string_view name) {
  return stat.comm == name.substr(0, kCommLength) ||
         basename_of(argv0_of(pid)) == name;
}

// What /proc shows of `pid` for ovs_daemon_role; nullopt once it is gone.
std::optional<OvsDaemonFacts> daemon_facts_of(pid_t pid, std::string_view name) {
  ProcStat stat, parent;
  if (!read_stat(pid, stat)) return std::nullopt;
  std::vector<std::string> argv = argv_of(pid);
  OvsDaemonFacts facts;
  facts.monitor_title =
      !argv.empty() && argv.front().starts_with(std::string(name) + ": monitoring pid ");
  for (const std::string& arg : argv) {
    facts.detach |= arg == "--detach";
    facts.monitor |= arg == "--monitor";
  }
  facts.session_leader = stat.session == pid;
  // By the file run, not the name: the monitor renames itself "monitor".
  struct stat exe, parent_exe;
  facts.parent_same_binary =
      read_stat(stat.parent, parent) && !is_dead(parent.state) &&
      ::stat(proc_path(pid, "exe").c_str(), &exe) == 0 &&
      ::stat(proc_path(stat.parent, "exe").c_str(), &parent_exe) == 0 &&
      exe.st_dev == parent_exe.st_dev && exe.st_ino == parent_exe.st_ino;
  return facts;
}

bool parse_pid(const char* name, pid_t& pid) {
  const char* end = name + std::char_traits<char>::length(name);
  auto [ptr, ec] = std::from_chars(name, end, pid);
  return ec == std::errc() && ptr == end && pid > 0;
}

std::string join_pids(const std::vector<pid_t>& pids) {
  std::string s;
  for (pid_t pid : pids) {
    if (!s.empty()) s += ", ";
    s += std::to_string(pid);
  }
  return s;
}

}  // namespace

std::vector<pid_t> find_processes_by_comm(std::string_view comm) {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) throw_errno("cannot list /proc", errno);
  while (const dirent* entry = ::readdir(dir)) {
    pid_t pid;
    ProcStat stat;
    if (!parse_pid(entry->d_name, pid) || !read_stat(pid, stat) ||
        is_dead(stat.state))
      continue;
    if (has_name(stat, pid, comm)) pids.push_back(pid);
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

OvsDaemonRole ovs_daemon_role(const OvsDaemonFacts& facts) {
  if (facts.monitor_title) return OvsDaemonRole::Monitor;
  if (facts.monitor)
    return facts.parent_same_binary && !facts.session_leader
               ? OvsDaemonRole::Daemon
               : OvsDaemonRole::Monitor;
  if (facts.detach)
    return facts.parent_same_binary || facts.session_leader
               ? OvsDaemonRole::Daemon
               : OvsDaemonRole::DetachingParent;
  return OvsDaemonRole::Daemon;
}

pid_t find_single_process(std::string_view name) {
  std::vector<pid_t> pids = find_processes_by_comm(name);
  std::erase_if(pids, [&](pid_t pid) {
    std::optional<OvsDaemonFacts> facts = daemon_facts_of(pid, name);
    return !facts || ovs_daemon_role(*facts) != OvsDaemonRole::Daemon;
  });
  if (pids.empty())
    throw UserError("no running " + std::string(name) +
                    " found; start it, or name a process with -p PID or a "
                    "binary with --binary PATH");
  if (pids.size() > 1)
    throw UserError("several " + std::string(name) +
                    " processes are running (PIDs " + join_pids(pids) +
                    "); choose one with -p PID");
  return pids.front();
}

pid_t find_single_vswitchd() { return find_single_process("ovs-vswitchd"); }

std::optional<pid_t> find_next_vswitchd(const std::vector<pid_t>& gone) {
  std::vector<pid_t> running = find_processes_by_comm("ovs-vswitchd");
  bool new_one = std::any_of(running.begin(), running.end(), [&](pid_t pid) {
    return std::find(gone.begin(), gone.end(), pid) == gone.end();
  });
  if (!new_one) return std::nullopt;
  try {
    return find_single_vswitchd();  // the daemon, not its monitor or parent
  } catch (const UserError&) {
    return std::nullopt;  // several, or none settled yet: look again
  }
}

std::string executable_of(pid_t pid) {
  std::string link = proc_path(pid, "exe");
  char buf[PATH_MAX];
  ssize_t n = pid > 0 ? ::readlink(link.c_str(), buf, sizeof buf - 1) : -1;
  int err = pid > 0 ? errno : ESRCH;
  if (n < 0) {
    std::string what = "PID " + std::to_string(pid);
    if (err == ENOENT || err == ESRCH) {
      if (pid <= 0 || ::access(proc_path(pid, "").c_str(), F_OK) != 0)
        throw UserError("no process with PID " + std::to_string(pid) +
                        " is running");
      throw UserError(what + " has no executable to trace (it is a kernel "
                      "thread, or exiting)");
    }
    if (err == EACCES || err == EPERM)
      throw UserError("permission denied reading the executable of " + what +
                      ": run ovsq as root (or with CAP_SYS_PTRACE)");
    throw_errno("cannot read " + link, err);
  }
  std::string path(buf, static_cast<size_t>(n));

  // Does the path still name the running file?  (After an upgrade it names
  // the new binary, or shows " (deleted)".)
  struct stat running, named;
  if (::stat(link.c_str(), &running) != 0) {
    int e = errno;
    if (e == ENOENT || e == ESRCH)
      throw UserError("no process with PID " + std::to_string(pid) +
                      " is running");
    throw_errno("cannot read " + link, e);
  }
  if (::stat(path.c_str(), &named) != 0 || named.st_dev != running.st_dev ||
      named.st_ino != running.st_ino)
    return link;
  return path;
}

bool process_alive(pid_t pid) {
  ProcStat stat;
  return pid > 0 && read_stat(pid, stat) && !is_dead(stat.state);
}

}  // namespace ovsq::runtime
