// runtime/interval_clock: the `every` and `for` timing rules, on a fake
// clock.
#include "runtime/interval_clock.h"

#include <gtest/gtest.h>

namespace ovsq::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::microseconds;

constexpr uint64_t kSecond = 1000000000;
const IntervalClock::Clock::time_point kStart{std::chrono::hours(1)};

IntervalClock::Clock::time_point at(milliseconds ms) { return kStart + ms; }

TEST(IntervalClock, IntervalsCountUp) {
  IntervalClock clock(kSecond, kStart);
  EXPECT_TRUE(clock.has_intervals());
  EXPECT_EQ(clock.intervals(), 0u);
  EXPECT_EQ(clock.interval_ended(at(milliseconds(1000))), 1u);
  EXPECT_EQ(clock.interval_ended(at(milliseconds(2000))), 2u);
  EXPECT_EQ(clock.interval_ended(at(milliseconds(3000))), 3u);
  EXPECT_EQ(clock.intervals(), 3u);
}

TEST(IntervalClock, ShortLastIntervalIsPrintedOnlyWhenNotEmpty) {
  IntervalClock clock(kSecond, kStart);
  clock.interval_ended(at(milliseconds(1000)));
  clock.interval_ended(at(milliseconds(2000)));
  // Ctrl-C 0.2 s into interval 3.
  IntervalClock::Final last = clock.final_tables(at(milliseconds(2200)));
  EXPECT_EQ(last.interval, 3u);
  EXPECT_TRUE(last.reset);
  EXPECT_TRUE(last.skip_if_empty);
}

TEST(IntervalClock, LongLastIntervalIsPrinted) {
  IntervalClock clock(kSecond, kStart);
  clock.interval_ended(at(milliseconds(1000)));
  clock.interval_ended(at(milliseconds(2000)));
  IntervalClock::Final last = clock.final_tables(at(milliseconds(2600)));
  EXPECT_EQ(last.interval, 3u);
  EXPECT_TRUE(last.reset);
  EXPECT_FALSE(last.skip_if_empty);
  EXPECT_EQ(clock.intervals(), 3u);
}

TEST(IntervalClock, HalfAnIntervalCountsAsFull) {
  IntervalClock clock(kSecond, kStart);
  EXPECT_FALSE(clock.final_tables(at(milliseconds(500))).skip_if_empty);
  IntervalClock before(kSecond, kStart);
  EXPECT_TRUE(before.final_tables(at(milliseconds(499))).skip_if_empty);
}

TEST(IntervalClock, FirstIntervalIsMeasuredFromTheStart) {
  IntervalClock clock(kSecond, kStart);
  IntervalClock::Final last = clock.final_tables(at(milliseconds(100)));
  EXPECT_EQ(last.interval, 1u);
  EXPECT_TRUE(last.skip_if_empty);
}

TEST(IntervalClock, WithoutEveryTheEndIsIntervalZero) {
  IntervalClock clock(0, kStart);
  EXPECT_FALSE(clock.has_intervals());
  for (milliseconds end : {milliseconds(1), milliseconds(600), milliseconds(5000)}) {
    IntervalClock::Final last = clock.final_tables(at(end));
    EXPECT_EQ(last.interval, 0u);
    EXPECT_FALSE(last.reset);  // the tables stay for show
    EXPECT_FALSE(last.skip_if_empty);
  }
  EXPECT_EQ(clock.intervals(), 0u);
}

// `every 200ms for 1s`: interval 5's timer and the deadline both fall at
// 1.0 s.  Whichever fires first, interval 5 is printed once.
constexpr uint64_t k200ms = 200000000;

IntervalClock four_intervals_done() {
  IntervalClock clock(k200ms, kStart);
  for (int i = 1; i <= 4; ++i) clock.interval_ended(at(milliseconds(200 * i)));
  return clock;
}

TEST(IntervalClock, DeadlineJustAfterTheIntervalTimer) {
  IntervalClock clock = four_intervals_done();
  EXPECT_EQ(clock.interval_ended(at(milliseconds(1000))), 5u);  // printed
  // The deadline, 0.5 ms later: the interval after it lasted nothing.
  IntervalClock::Final last = clock.final_tables(at(milliseconds(1000)) + microseconds(500));
  EXPECT_EQ(last.interval, 6u);
  EXPECT_TRUE(last.skip_if_empty);
}

TEST(IntervalClock, DeadlineJustBeforeTheIntervalTimer) {
  IntervalClock clock = four_intervals_done();
  // The deadline fires 0.5 ms before interval 5's timer, which never
  // comes: the end prints interval 5, whether or not it is empty.
  IntervalClock::Final last = clock.final_tables(at(milliseconds(1000)) - microseconds(500));
  EXPECT_EQ(last.interval, 5u);
  EXPECT_TRUE(last.reset);
  EXPECT_FALSE(last.skip_if_empty);
}

}  // namespace
}  // namespace ovsq::runtime
