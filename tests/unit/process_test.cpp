#include "runtime/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/error.h"

namespace ovsq::runtime {
namespace {

namespace fs = std::filesystem;

// A child process, killed and reaped when it goes out of scope.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(Child&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

// A child that names itself `comm` with prctl, then waits to be killed.
Child spawn_named(const std::string& comm) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_NAME, comm.c_str());
    (void)!::write(fds[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(fds[1]);
  char c;
  EXPECT_EQ(::read(fds[0], &c, 1), 1);
  ::close(fds[0]);
  return Child(pid);
}

// A child running `path` with `argv0`, once its execv has succeeded.
Child spawn_exec(const std::string& path, const std::string& argv0) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    const char* argv[] = {argv0.c_str(), "1000", nullptr};
    ::execv(path.c_str(), const_cast<char* const*>(argv));
    (void)!::write(fds[1], "x", 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  char c;
  EXPECT_EQ(::read(fds[0], &c, 1), 0) << "cannot run " << path;  // EOF: exec'd
  ::close(fds[0]);
  return Child(pid);
}

pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

// A comm no other process has, at most 15 characters.
std::string unique_comm(const char* prefix) {
  return prefix + std::to_string(::getpid());
}

// A scratch directory, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    char templ[] = "/tmp/ovsq-process-test-XXXXXX";
    path = ::mkdtemp(templ);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Process, FindsItselfByComm) {
  std::ifstream file("/proc/self/comm");
  std::string comm;
  std::getline(file, comm);
  std::vector<pid_t> pids = find_processes_by_comm(comm);
  EXPECT_NE(std::find(pids.begin(), pids.end(), ::getpid()), pids.end());
  EXPECT_TRUE(process_alive(::getpid()));
}

TEST(Process, DeadPid) {
  pid_t pid = dead_pid();
  EXPECT_FALSE(process_alive(pid));
  EXPECT_EQ(error_of([&] { executable_of(pid); }),
            "no process with PID " + std::to_string(pid) + " is running");
}

TEST(Process, ZombiesAreNotFound) {
  std::string comm = unique_comm("ovsqz");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_NAME, comm.c_str());
    ::_exit(0);
  }
  siginfo_t info;  // wait for the exit, leaving the zombie
  ::waitid(P_PID, pid, &info, WEXITED | WNOWAIT);
  EXPECT_FALSE(process_alive(pid));
  EXPECT_EQ(find_processes_by_comm(comm), std::vector<pid_t>{});
  ::waitpid(pid, nullptr, 0);
}

TEST(Process, NoneRunning) {
  std::string comm = unique_comm("ovsqn");
  EXPECT_EQ(error_of([&] { find_single_process(comm); }),
            "no running " + comm +
                " found; start it, or name a process with -p PID or a binary "
                "with --binary PATH");
}

TEST(Process, SeveralRunning) {
  std::string comm = unique_comm("ovsqs");
  Child a = spawn_named(comm);
  Child b = spawn_named(comm);
  EXPECT_EQ(find_processes_by_comm(comm),
            (std::vector<pid_t>{std::min(a.pid(), b.pid()),
                                std::max(a.pid(), b.pid())}));
  EXPECT_EQ(error_of([&] { find_single_process(comm); }),
            "several " + comm + " processes are running (PIDs " +
                std::to_string(std::min(a.pid(), b.pid())) + ", " +
                std::to_string(std::max(a.pid(), b.pid())) +
                "); choose one with -p PID");
}

TEST(Process, SingleOneIsFound) {
  std::string comm = unique_comm("ovsq1");
  Child a = spawn_named(comm);
  EXPECT_EQ(find_single_process(comm), a.pid());
}

// "ovs-vswitchd --monitor": the monitoring parent has the same comm, but
// its argv shows "ovs-vswitchd: monitoring pid N (healthy)".
TEST(Process, MonitorParentIsLeftOut) {
  std::string comm = unique_comm("ovsqm");
  TempDir dir;
  fs::path link = dir.path / comm;  // exec through it: comm = its name
  fs::create_symlink("/bin/sleep", link);
  Child monitor = spawn_exec(link, comm + ": monitoring pid 1 (healthy)");
  Child daemon = spawn_named(comm);
  EXPECT_EQ(find_processes_by_comm(comm).size(), 2u);
  EXPECT_EQ(find_single_process(comm), daemon.pid());
}

// Each process of an OVS daemon's start-up (lib/daemon-unix.c), by the
// options it was started with: only the last child is the daemon.
TEST(Process, OvsDaemonRoles) {
  auto role = [](bool detach, bool monitor, bool session_leader,
                 bool parent_same_binary) {
    OvsDaemonFacts facts;
    facts.detach = detach;
    facts.monitor = monitor;
    facts.session_leader = session_leader;
    facts.parent_same_binary = parent_same_binary;
    return ovs_daemon_role(facts);
  };
  using enum OvsDaemonRole;
  // No options: the process started is the daemon.
  EXPECT_EQ(role(false, false, false, false), Daemon);
  // --detach: the parent (started from a shell or ovs-ctl), the child
  // (setsid) before and after the parent exits.
  EXPECT_EQ(role(true, false, false, false), DetachingParent);
  EXPECT_EQ(role(true, false, true, true), Daemon);
  EXPECT_EQ(role(true, false, true, false), Daemon);
  // --monitor: the monitor before its title changes, the daemon it forks.
  EXPECT_EQ(role(false, true, false, false), Monitor);
  EXPECT_EQ(role(false, true, true, false), Monitor);
  EXPECT_EQ(role(false, true, false, true), Daemon);
  // --detach --monitor: the first parent, the monitor (setsid, its parent
  // still running or gone), the daemon.
  EXPECT_EQ(role(true, true, false, false), Monitor);
  EXPECT_EQ(role(true, true, true, true), Monitor);
  EXPECT_EQ(role(true, true, true, false), Monitor);
  EXPECT_EQ(role(true, true, false, true), Daemon);
  // Once the monitor has retitled itself its options are gone.
  OvsDaemonFacts titled;
  titled.monitor_title = true;
  EXPECT_EQ(ovs_daemon_role(titled), Monitor);
}

TEST(Process, FindsByArgv0) {
  std::string name = unique_comm("ovsqa");
  TempDir dir;
  fs::create_symlink("/bin/sleep", dir.path / "sleep");
  Child child = spawn_exec(dir.path / "sleep", "/opt/bin/" + name);
  EXPECT_EQ(find_processes_by_comm(name), std::vector<pid_t>{child.pid()});
}

TEST(Process, ExecutableOfSelf) {
  EXPECT_EQ(executable_of(::getpid()), fs::read_symlink("/proc/self/exe"));
}

// After an upgrade replaced the binary, the path names another file: the
// running one is reachable only as /proc/PID/exe.
TEST(Process, ExecutableOfReplacedBinary) {
  TempDir dir;
  fs::path binary = dir.path / "daemon";
  fs::copy_file("/bin/sleep", binary);
  Child child = spawn_exec(binary, binary);
  fs::remove(binary);
  std::string proc_exe = "/proc/" + std::to_string(child.pid()) + "/exe";
  EXPECT_EQ(executable_of(child.pid()), proc_exe);
  fs::copy_file("/bin/true", binary);  // a new binary at the old path
  EXPECT_EQ(executable_of(child.pid()), proc_exe);
}

}  // namespace
}  // namespace ovsq::runtime
