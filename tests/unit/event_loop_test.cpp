// runtime/event_loop: dispatch, order, removal from handlers and pauses,
// on real pipes and eventfds.
#include "runtime/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ovsq::runtime {
namespace {

using std::chrono::milliseconds;
using Clock = EventLoop::Clock;

class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) { EXPECT_GE(fd, 0); }
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  OwnedFd(const OwnedFd&) = delete;
  int get() const { return fd_; }
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// An eventfd, readable from the start.
struct Ready : OwnedFd {
  Ready() : OwnedFd(::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC)) {}
};

struct Pipe {
  OwnedFd read_end, write_end;
  Pipe() : Pipe(make()) {}
  void write() { ASSERT_EQ(::write(write_end.get(), "x", 1), 1); }
  void drain() {
    char buf[16];
    while (::read(read_end.get(), buf, sizeof buf) > 0) {
    }
  }

 private:
  struct Fds {
    int fds[2];
  };
  static Fds make() {
    Fds f{{-1, -1}};
    EXPECT_EQ(::pipe2(f.fds, O_NONBLOCK | O_CLOEXEC), 0);
    return f;
  }
  explicit Pipe(Fds f) : read_end(f.fds[0]), write_end(f.fds[1]) {}
};

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

TEST(EventLoop, HandlerRunsWhenReadable) {
  Pipe pipe;
  EventLoop loop;
  int runs = 0;
  loop.add(pipe.read_end.get(), [&] {
    ++runs;
    pipe.drain();
  });
  EXPECT_FALSE(loop.empty());
  EXPECT_EQ(loop.run_once(milliseconds(0)), 0);
  EXPECT_EQ(runs, 0);
  pipe.write();
  EXPECT_EQ(loop.run_once(milliseconds(1000)), 1);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(loop.run_once(milliseconds(0)), 0);  // drained: not readable
  EXPECT_EQ(runs, 1);
}

TEST(EventLoop, HangUpCountsAsReadable) {
  Pipe pipe;
  EventLoop loop;
  int runs = 0;
  loop.add(pipe.read_end.get(), [&] { ++runs; });
  pipe.write_end.close();
  EXPECT_EQ(loop.run_once(milliseconds(1000)), 1);
  EXPECT_EQ(runs, 1);
}

TEST(EventLoop, HandlersRunInTheOrderSourcesWereAdded) {
  // Descriptors numbered against the order they are added in.
  Ready c, b, a;
  ASSERT_LT(c.get(), a.get());
  EventLoop loop;
  std::string order;
  loop.add(a.get(), [&] { order += 'a'; });
  loop.add(b.get(), [&] { order += 'b'; });
  loop.add(c.get(), [&] { order += 'c'; });
  EXPECT_EQ(loop.run_once(milliseconds(0)), 3);
  EXPECT_EQ(order, "abc");
}

TEST(EventLoop, HandlerRemovesItselfAndALaterSource) {
  Ready a, b, c;
  EventLoop loop;
  std::string order;
  EventLoop::SourceId ida = 0, idb = 0;
  std::string captured = "still here";  // the running handler's capture
  ida = loop.add(a.get(), [&, captured] {
    loop.remove(ida);
    loop.remove(idb);
    order += captured == "still here" ? 'a' : '?';
  });
  idb = loop.add(b.get(), [&] { order += 'b'; });
  loop.add(c.get(), [&] { order += 'c'; });
  // b was ready in this round but removed before its turn.
  EXPECT_EQ(loop.run_once(milliseconds(0)), 2);
  EXPECT_EQ(order, "ac");
  EXPECT_EQ(loop.run_once(milliseconds(0)), 1);
  EXPECT_EQ(order, "acc");
  EXPECT_FALSE(loop.empty());
}

TEST(EventLoop, RemovingEverySourceLeavesItEmpty) {
  Ready a;
  EventLoop loop;
  EventLoop::SourceId id = loop.add(a.get(), [&] { loop.remove(id); });
  EXPECT_EQ(loop.run_once(milliseconds(0)), 1);
  EXPECT_TRUE(loop.empty());
  EXPECT_EQ(loop.run_once(milliseconds(0)), 0);
  EventLoop::SourceId other = loop.add(a.get(), [] {});
  loop.remove(other);  // outside a handler too
  EXPECT_TRUE(loop.empty());
}

TEST(EventLoop, SourcesAddedByAHandlerRunFromTheNextRound) {
  Ready a;
  std::vector<Ready> more(40);
  EventLoop loop;
  int added_runs = 0;
  std::string text = "captured";
  bool intact = false;
  EventLoop::SourceId id = 0;
  id = loop.add(a.get(), [&, text] {
    // Enough to make the table reallocate under the running handler.
    for (Ready& r : more) loop.add(r.get(), [&] { ++added_runs; });
    intact = text == "captured";
    loop.remove(id);
  });
  EXPECT_EQ(loop.run_once(milliseconds(0)), 1);
  EXPECT_TRUE(intact);
  EXPECT_EQ(added_runs, 0);
  EXPECT_EQ(loop.run_once(milliseconds(0)), 40);
  EXPECT_EQ(added_runs, 40);
}

TEST(EventLoop, PausedSourceWaitsForItsTimeAndBoundsTheWait) {
  Ready a;
  EventLoop loop;
  int runs = 0;
  EventLoop::SourceId id = loop.add(a.get(), [&] { ++runs; });
  Clock::time_point start = Clock::now();
  loop.pause(id, start + milliseconds(100));
  // Readable all along, but left out of poll: with no other limit the
  // wait ends when the pause does, not never.
  EXPECT_EQ(loop.run_once(), 0);
  EXPECT_EQ(runs, 0);
  EXPECT_GE(since(start), milliseconds(99));
  EXPECT_LT(since(start), milliseconds(2000));
  EXPECT_EQ(loop.run_once(milliseconds(0)), 1);
  EXPECT_EQ(runs, 1);
}

TEST(EventLoop, PausedSourceDoesNotHoldBackOthers) {
  Ready a, b;
  EventLoop loop;
  std::string order;
  EventLoop::SourceId ida = loop.add(a.get(), [&] { order += 'a'; });
  loop.add(b.get(), [&] { order += 'b'; });
  loop.pause(ida, Clock::now() + milliseconds(5000));
  Clock::time_point start = Clock::now();
  EXPECT_EQ(loop.run_once(), 1);
  EXPECT_EQ(order, "b");
  EXPECT_LT(since(start), milliseconds(1000));
  // A pause that is over, or in the past, leaves it polled.
  loop.pause(ida, Clock::now() - milliseconds(1));
  EXPECT_EQ(loop.run_once(milliseconds(0)), 2);
  EXPECT_EQ(order, "bab");
}

TEST(EventLoop, MaxWaitTimesOutWithNothingReady) {
  Pipe pipe;
  EventLoop loop;
  int runs = 0;
  loop.add(pipe.read_end.get(), [&] { ++runs; });
  Clock::time_point start = Clock::now();
  EXPECT_EQ(loop.run_once(milliseconds(50)), 0);
  EXPECT_GE(since(start), milliseconds(49));
  EXPECT_EQ(runs, 0);
}

TEST(EventLoop, MaxWaitShorterThanAPauseWins) {
  Ready a;
  EventLoop loop;
  EventLoop::SourceId id = loop.add(a.get(), [] {});
  loop.pause(id, Clock::now() + milliseconds(5000));
  Clock::time_point start = Clock::now();
  EXPECT_EQ(loop.run_once(milliseconds(20)), 0);
  EXPECT_LT(since(start), milliseconds(1000));
}

TEST(EventLoop, EmptyLoopDoesNotBlock) {
  EventLoop loop;
  EXPECT_TRUE(loop.empty());
  Clock::time_point start = Clock::now();
  EXPECT_EQ(loop.run_once(), 0);
  EXPECT_LT(since(start), milliseconds(1000));
}

}  // namespace
}  // namespace ovsq::runtime
