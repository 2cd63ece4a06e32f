#include "runtime/stop_signals.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "support/error.h"

namespace ovsq::runtime {

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  fd_ = Fd(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  if (fd_.get() < 0) {
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    throw_errno("cannot create a signalfd", error);
  }
}

StopSignals::~StopSignals() {
  timespec now{0, 0};
  while (sigtimedwait(&set_, nullptr, &now) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int StopSignals::take() {
  signalfd_siginfo info;
  if (::read(fd_.get(), &info, sizeof info) != sizeof info) return 0;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace ovsq::runtime
