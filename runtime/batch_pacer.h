#pragma once
// How long the reader leaves the ring buffer alone after emptying it.
//
// Events are read in batches, not one wakeup per event: after a batch that
// emptied the ring buffer, the loop leaves the ring alone for up to
// kMaxPause: as long as, at the rate events have been arriving, it takes
// them to fill a quarter of the ring buffer (no pause when that is under
// kMinPause).
//
// Why it matters: the kernel wakes the reader (an irq_work, a self-IPI,
// expensive in a VM) for each event it submits while the reader has read
// everything.  A reader that keeps up and never pauses pays for that on
// every event, in the traced process: 2 us per event on the benchmark VM,
// five times the uprobe itself.
//
// The arrival rate is measured between two moments the ring was empty:
// everything that arrived in between has been read, so rows / time is
// exact (a backlog is read faster than it arrived, so a rate taken per
// batch would overstate it and stop the pauses).  The first burst after an
// idle spell has no such measurement yet and gets no pause.  The rate kept
// is the peak, decaying over about a second.
#include <chrono>
#include <cstdint>

namespace ovsq::runtime {

class BatchPacer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::microseconds kMaxPause{10000};
  static constexpr std::chrono::microseconds kMinPause{100};

  // `largest_event` bytes without the ring's 8-byte record header.
  BatchPacer(uint32_t largest_event, uint32_t ring_bytes, Clock::time_point start);

  // After a batch of `rows` events, `drained` when it emptied the ring:
  // how long to leave the ring buffer alone now (0: not at all).
  std::chrono::microseconds pause_after(unsigned rows, bool drained, Clock::time_point now);

 private:
  double capacity_;        // events the ring buffer holds
  double rate_ = 0;        // events per second
  uint64_t rows_ = 0;      // read since emptied_
  bool measured_ = false;  // emptied_ ended a busy stretch
  Clock::time_point emptied_;
};

}  // namespace ovsq::runtime
