#include "runtime/fd.h"

#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "support/error.h"

namespace ovsq::runtime {

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Fd make_timer(uint64_t first_ns, uint64_t period_ns) {
  Fd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (fd.get() < 0) throw_errno("cannot create a timer", errno);
  auto spec = [](uint64_t ns) {
    return timespec{time_t(ns / 1000000000), long(ns % 1000000000)};
  };
  itimerspec value{spec(period_ns), spec(first_ns)};
  if (::timerfd_settime(fd.get(), 0, &value, nullptr) != 0)
    throw_errno("cannot start a timer", errno);
  return fd;
}

bool timer_fired(const Fd& timer) {
  uint64_t expirations = 0;
  return ::read(timer.get(), &expirations, sizeof expirations) == sizeof expirations;
}

Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  errno = ENOSYS;
  return Fd();
#endif
}

}  // namespace ovsq::runtime
