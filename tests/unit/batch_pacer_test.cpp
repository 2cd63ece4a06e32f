// runtime/batch_pacer: when the reader pauses between batches, on a fake
// clock.  (The pauses keep the kernel from waking the reader per event.)
#include "runtime/batch_pacer.h"

#include <gtest/gtest.h>

namespace ovsq::runtime {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// 24-byte events: 32 bytes a record, so a 1 MiB ring holds 32768.
constexpr uint32_t kEvent = 24;
constexpr uint32_t kRing = 1u << 20;

struct Fixture {
  BatchPacer::Clock::time_point now{};
  BatchPacer pacer{kEvent, kRing, now};
  // `rows` read over `ms`, in one batch that emptied the ring.
  microseconds drained(unsigned rows, double ms) {
    now += std::chrono::duration_cast<BatchPacer::Clock::duration>(
        std::chrono::duration<double, std::milli>(ms));
    return pacer.pause_after(rows, true, now);
  }
};

TEST(BatchPacer, NoPauseUntilARateIsMeasured) {
  Fixture f;
  EXPECT_EQ(f.drained(0, 500), microseconds(0));  // idle
  EXPECT_EQ(f.drained(10, 1), microseconds(0));   // a burst begins: no rate yet
  // 1000 events in 10 ms: 100k/s; a quarter of 32768 takes 82 ms: the
  // longest pause.
  EXPECT_EQ(f.drained(1000, 10), BatchPacer::kMaxPause);
}

TEST(BatchPacer, PauseFillsAQuarterOfTheRing) {
  Fixture f;
  f.drained(10, 1);
  // 2000 events in 1 ms: 2M/s; 8192 events take 4096 us.
  EXPECT_EQ(f.drained(2000, 1), microseconds(4096));
}

TEST(BatchPacer, BacklogReadFastDoesNotLookLikeAFastProducer) {
  // The regression this class fixes: after a 4 ms pause at 2M/s, 8000
  // events are read in batches of 1000 taking 0.1 ms each.  Per batch that
  // is 10M/s, but only the drained moments count: 8000 events in 4.8 ms.
  Fixture f;
  f.drained(10, 1);
  microseconds pause = f.drained(2000, 1);
  f.now += pause;
  for (int i = 0; i < 7; ++i) {
    f.now += microseconds(100);
    EXPECT_EQ(f.pacer.pause_after(1000, false, f.now), microseconds(0));
  }
  EXPECT_GT(f.drained(1000, 0.1), microseconds(3000));
}

TEST(BatchPacer, NoPauseWhenTheRingIsTooSmallForTheRate) {
  // One page: 128 events; at 10M/s a quarter takes 3.2 us, under kMinPause.
  BatchPacer::Clock::time_point now{};
  BatchPacer pacer(kEvent, 4096, now);
  pacer.pause_after(10, true, now += microseconds(10));
  EXPECT_EQ(pacer.pause_after(100, true, now += microseconds(10)), microseconds(0));
}

TEST(BatchPacer, PeakRateDecays) {
  Fixture f;
  f.drained(10, 1);
  EXPECT_EQ(f.drained(20000, 10), microseconds(4096));  // 2M/s
  // A slow stretch right after: the 2M/s peak holds, decayed by e^-0.001.
  EXPECT_EQ(f.drained(10, 1), microseconds(4100));
  // Seconds later, the peak has decayed to the new rate (10k/s).
  EXPECT_EQ(f.drained(100, 10000), BatchPacer::kMaxPause);
}

TEST(BatchPacer, NothingButDrainedBatchesEndAStretch) {
  Fixture f;
  f.drained(10, 1);
  f.now += milliseconds(1);
  EXPECT_EQ(f.pacer.pause_after(5000, false, f.now), microseconds(0));
}

}  // namespace
}  // namespace ovsq::runtime
