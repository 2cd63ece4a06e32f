#pragma once
// One poll(2) loop over a table of event sources: each a file descriptor
// (a query's ring buffer, a timerfd, a signalfd, a pidfd, the terminal)
// with the handler that runs when it is readable.  The one-shot driver runs
// one query on it; the session runs a foreground query, its background
// jobs and the line editor on the same loop, so nothing needs a thread.
//
// A source can be paused until a moment (the ring buffer's read pacing,
// runtime/batch_pacer.h): it is left out of poll until then, and the wait
// is cut short so that it is polled again on time.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace ovsq::runtime {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using Handler = std::function<void()>;
  using SourceId = uint64_t;

  // `fd` stays the caller's; the handler runs when it is readable (or has
  // an error or hang-up: POLLIN|POLLERR|POLLHUP).
  SourceId add(int fd, Handler on_readable);
  // Safe from inside a handler, for any source including its own.
  void remove(SourceId id);
  // Leaves the source out of poll until `until`.
  void pause(SourceId id, Clock::time_point until);
  bool empty() const;

  // Waits until a source is ready or `max_wait` passed (nullopt: no
  // limit but the paused sources' deadlines), then runs the handlers of the
  // ready sources in the order they were added.  Returns how many ran.
  // EINTR counts as nothing ready.  Throws UserError when poll fails.
  int run_once(std::optional<std::chrono::milliseconds> max_wait = std::nullopt);

 private:
  struct Source {
    SourceId id;
    int fd;
    Handler on_readable;
    Clock::time_point paused_until{};
    bool removed = false;
  };
  // Drops the sources marked removed; not while handlers run.
  void compact();

  std::vector<Source> sources_;
  SourceId next_id_ = 1;
  bool dispatching_ = false;  // in run_once's handlers
};

}  // namespace ovsq::runtime
