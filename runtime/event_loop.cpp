#include "runtime/event_loop.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "support/error.h"

namespace ovsq::runtime {
namespace {

constexpr short kReady = POLLIN | POLLERR | POLLHUP;

// ppoll's timeout: paused sources come back to the microsecond
// (BatchPacer's pauses are 100 us to 10 ms), which poll's milliseconds
// would round away.
timespec to_timespec(EventLoop::Clock::duration d) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns < 0) ns = 0;
  return timespec{time_t(ns / 1000000000), long(ns % 1000000000)};
}

}  // namespace

EventLoop::SourceId EventLoop::add(int fd, Handler on_readable) {
  // A source added by a handler is polled from the next round on.
  SourceId id = next_id_++;
  sources_.push_back(Source{id, fd, std::move(on_readable)});
  return id;
}

void EventLoop::remove(SourceId id) {
  // Only marked: the handler may be the one running, and the round's list
  // of ready sources still indexes sources_.  Compacted after dispatch.
  for (Source& s : sources_)
    if (s.id == id) s.removed = true;
  if (!dispatching_) compact();
}

void EventLoop::pause(SourceId id, Clock::time_point until) {
  for (Source& s : sources_)
    if (s.id == id) s.paused_until = until;
}

bool EventLoop::empty() const {
  return std::none_of(sources_.begin(), sources_.end(),
                      [](const Source& s) { return !s.removed; });
}

void EventLoop::compact() {
  std::erase_if(sources_, [](const Source& s) { return s.removed; });
}

int EventLoop::run_once(std::optional<std::chrono::milliseconds> max_wait) {
  Clock::time_point now = Clock::now();
  std::optional<Clock::time_point> wake;
  if (max_wait) wake = now + *max_wait;
  std::vector<pollfd> fds;
  std::vector<size_t> polled;  // index in sources_ of each pollfd
  for (size_t i = 0; i < sources_.size(); ++i) {
    const Source& s = sources_[i];
    if (s.paused_until > now) {
      wake = wake ? std::min(*wake, s.paused_until) : s.paused_until;
      continue;
    }
    fds.push_back({s.fd, POLLIN, 0});
    polled.push_back(i);
  }
  // Nothing to wait for, ever: do not block forever.
  if (fds.empty() && !wake) return 0;

  timespec timeout{};
  if (wake) timeout = to_timespec(*wake - now);
  int n = ::ppoll(fds.data(), fds.size(), wake ? &timeout : nullptr, nullptr);
  if (n < 0) {
    if (errno == EINTR) return 0;
    throw_errno("poll", errno);
  }
  if (n == 0) return 0;

  // Handlers may add, remove or pause sources; additions go to the end,
  // removals are only marked until the round is over, so `polled` stays
  // valid.  A source removed by an earlier handler of this round is not run.
  int ran = 0;
  dispatching_ = true;
  struct EndDispatch {
    EventLoop& loop;
    ~EndDispatch() {
      loop.dispatching_ = false;
      loop.compact();
    }
  } end_dispatch{*this};
  for (size_t k = 0; k < fds.size(); ++k) {
    if (!(fds[k].revents & kReady) || sources_[polled[k]].removed) continue;
    // Out of the vector while it runs: a handler that adds a source may
    // make sources_ reallocate under it.
    struct Running {
      EventLoop& loop;
      size_t index;
      Handler handler = std::move(loop.sources_[index].on_readable);
      ~Running() { loop.sources_[index].on_readable = std::move(handler); }
    } running{*this, polled[k]};
    running.handler();
    ++ran;
  }
  return ran;
}

}  // namespace ovsq::runtime
