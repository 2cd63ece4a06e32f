#include "runtime/batch_pacer.h"

#include <algorithm>
#include <cmath>

namespace ovsq::runtime {

BatchPacer::BatchPacer(uint32_t largest_event, uint32_t ring_bytes,
                       Clock::time_point start)
    // Each record has an 8-byte header and is padded to 8 bytes.
    : capacity_(ring_bytes / (8.0 + (largest_event + 7) / 8 * 8)), emptied_(start) {}

std::chrono::microseconds BatchPacer::pause_after(unsigned rows, bool drained,
                                                  Clock::time_point now) {
  using std::chrono::microseconds;
  rows_ += rows;
  if (!drained) return microseconds(0);
  double seconds = std::chrono::duration<double>(now - emptied_).count();
  emptied_ = now;
  if (rows_ == 0) {  // idle: the next burst starts a fresh measurement
    measured_ = false;
    return microseconds(0);
  }
  double rate = rows_ / std::max(seconds, 1e-6);
  rows_ = 0;
  if (!measured_) {  // the stretch since the last empty ring began idle
    measured_ = true;
    return microseconds(0);
  }
  rate_ = std::max(rate, rate_ * std::exp(-seconds));
  double us = std::min(double(kMaxPause.count()), capacity_ / 4 / rate_ * 1e6);
  return microseconds(us < double(kMinPause.count()) ? 0 : int64_t(us));
}

}  // namespace ovsq::runtime
