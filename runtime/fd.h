#pragma once
// File descriptors the runtime owns while a query runs: its timers
// (timerfd), the traced processes' pidfds, the signalfd.
#include <sys/types.h>

#include <cstdint>
#include <utility>

namespace ovsq::runtime {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset();

 private:
  int fd_;
};

// A CLOCK_MONOTONIC timerfd, non-blocking, first firing after `first_ns`,
// then every `period_ns` (0: once).  Throws UserError.
Fd make_timer(uint64_t first_ns, uint64_t period_ns);

// True (and re-armed) when the timer fired since the last call.
bool timer_fired(const Fd& timer);

// A pidfd for `pid`, readable once it exits; -1 with errno set where
// pidfd_open fails or the kernel has none (before 5.3).
Fd open_pidfd(pid_t pid);

}  // namespace ovsq::runtime
