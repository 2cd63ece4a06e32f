#pragma once
// SIGINT and SIGTERM, blocked for an object's life and read from a
// signalfd on the event loop instead, so that every way a front stops
// (Ctrl-C, SIGTERM, the end of the run) detaches what it attached.  The
// one-shot run, the session and the metrics exporter each hold one.
#include <signal.h>

#include "runtime/fd.h"

namespace ovsq::runtime {

class StopSignals {
 public:
  // Throws UserError when the signalfd cannot be made.
  StopSignals();
  // A signal that came after the front had decided to stop must not kill
  // it while it prints the rest: pending ones are discarded before the
  // mask is restored.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Readable when a signal is pending: for EventLoop::add.
  int fd() const { return fd_.get(); }
  // The next pending signal (SIGINT or SIGTERM), or 0 when none is.
  int take();

 private:
  sigset_t set_, previous_;
  Fd fd_;
};

}  // namespace ovsq::runtime
