#include "runtime/interval_clock.h"

namespace ovsq::runtime {

IntervalClock::IntervalClock(uint64_t every_ns, Clock::time_point start)
    : every_ns_(every_ns), interval_start_(start) {}

uint64_t IntervalClock::interval_ended(Clock::time_point now) {
  interval_start_ = now;
  return ++interval_;
}

IntervalClock::Final IntervalClock::final_tables(Clock::time_point now) {
  if (!has_intervals()) return Final{0, false, false};
  // Half an interval: a Ctrl-C just after a print (or the `for` deadline
  // just after the interval timer) leaves a short one, which is printed
  // only when something is in it.
  bool full = now - interval_start_ >= std::chrono::nanoseconds(every_ns_ / 2);
  return Final{++interval_, true, !full};
}

}  // namespace ovsq::runtime
