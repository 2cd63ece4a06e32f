#include "runtime/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
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
};

// /proc/PID/stat is "PID (COMM) STATE ..."; COMM may hold spaces and ')'.
bool read_stat(pid_t pid, ProcStat& out) {
  std::string stat = read_small_file(proc_path(pid, "stat"));
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos ||
      close < open || close + 2 >= stat.size())
    return false;
  out.comm = stat.substr(open + 1, close - open - 1);
  out.state = stat[close + 2];
  return true;
}

bool is_dead(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

// argv[0] as the process now shows it (it may have rewritten it).
std::string argv0_of(pid_t pid) {
  std::string cmdline = read_small_file(proc_path(pid, "cmdline"));
  return cmdline.substr(0, cmdline.find('\0'));
}

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
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
  std::string_view short_comm = comm.substr(0, kCommLength);
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) throw_errno("cannot list /proc", errno);
  while (const dirent* entry = ::readdir(dir)) {
    pid_t pid;
    ProcStat stat;
    if (!parse_pid(entry->d_name, pid) || !read_stat(pid, stat) ||
        is_dead(stat.state))
      continue;
    if (stat.comm == short_comm || basename_of(argv0_of(pid)) == comm)
      pids.push_back(pid);
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

pid_t find_single_process(std::string_view name) {
  std::vector<pid_t> pids = find_processes_by_comm(name);
  // "ovs-vswitchd --monitor" forks: the parent only restarts the child if it
  // crashes, and shows "ovs-vswitchd: monitoring pid 1235 (healthy)".
  std::string monitor = std::string(name) + ": monitoring pid ";
  std::erase_if(pids, [&](pid_t pid) {
    return argv0_of(pid).starts_with(monitor);
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
    return find_single_vswitchd();  // not a --monitor parent
  } catch (const UserError&) {
    return std::nullopt;  // several, or only a monitor yet: look again
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
