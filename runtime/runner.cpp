#include "runtime/runner.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>

#include "runtime/event_loop.h"
#include "runtime/fd.h"
#include "runtime/query.h"
#include "support/error.h"

namespace ovsq::runtime {
namespace {

// Blocks SIGINT and SIGTERM for the duration of run(), so they arrive
// through a signalfd and every exit path detaches.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~SignalBlock() {
    // A signal that arrived after the run had already decided to stop
    // (exit, limit, for) must not kill ovsq while it prints the rest.
    timespec now{0, 0};
    while (sigtimedwait(&set_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_, previous_;
};

}  // namespace

int run(const CompiledQuery& programs, const RunOptions& options,
        Output& output, std::ostream& err) {
  SignalBlock signals;
  EventLoop loop;  // before the query, which leaves it when destroyed
  Fd sigfd(::signalfd(-1, &signals.set(), SFD_CLOEXEC | SFD_NONBLOCK));
  if (sigfd.get() < 0) throw_errno("cannot create a signalfd", errno);
  Query query(programs, options, output, err);
  // Added first, so that on a signal none of the query's handlers runs
  // after it (no interval printed on the way out).
  bool signalled = false;
  loop.add(sigfd.get(), [&] {
    signalfd_siginfo info;
    if (::read(sigfd.get(), &info, sizeof info) != sizeof info) return;
    signalled = true;
    query.remove_sources(loop);
  });

  query.load();
  query.begin();
  query.attach();
  query.add_sources(loop);
  while (!query.done() && !signalled) loop.run_once();
  if (options.end) *options.end = query.end();
  query.finish(loop);
  return 0;
}

}  // namespace ovsq::runtime
