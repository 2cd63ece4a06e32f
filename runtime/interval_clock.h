#pragma once
// The timing rules of `every` and `for`, apart from timers and the kernel
// so that they are unit-tested on a fake clock (as BatchPacer is).
//
// - With `every D`, interval n's tables print when its timer fires; the
//   tables printed at the end are one more interval, unless that interval
//   is a short one in which nothing happened (Ctrl-C just after a print):
//   it counts as full when it lasted at least D/2; a short one is printed
//   only when something is in it.
// - A `for` that ends on an interval boundary (every 200ms for 1s) races
//   the interval timer: whichever fires first, that interval is printed
//   once (the other one finds it lasted ~0 and skips it).
// - Without `every`, the end prints the aggregations once, as interval 0.
#include <chrono>
#include <cstdint>
#include <optional>

namespace ovsq::runtime {

class IntervalClock {
 public:
  using Clock = std::chrono::steady_clock;

  // every_ns 0: no intervals.
  IntervalClock(uint64_t every_ns, Clock::time_point start);

  bool has_intervals() const { return every_ns_ != 0; }
  // The interval timer fired at `now`: the number of the interval that
  // just ended (1, 2, ...); the next one starts at `now`.
  uint64_t interval_ended(Clock::time_point now);
  // The run ended (its loop left) at `now`: how to print the last tables.
  struct Final {
    uint64_t interval = 0;       // 0 without `every`
    bool reset = false;          // empty the maps (with `every`)
    bool skip_if_empty = false;  // a short last interval
  };
  Final final_tables(Clock::time_point now);
  // Intervals printed so far (once final_tables() was called, the last
  // one counts, even when it was skipped as short and empty).
  uint64_t intervals() const { return interval_; }

 private:
  uint64_t every_ns_;
  uint64_t interval_ = 0;
  Clock::time_point interval_start_;
};

}  // namespace ovsq::runtime
