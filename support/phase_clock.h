#pragma once
// Wall-clock time of each start-up phase, for `ovsq --timings`: tells a
// user whether start-up went to reading debug info, LLVM, the verifier or
// the kernel's uprobe registration.
#include <time.h>

#include <cstdint>

#include <cstdio>
#include <string>
#include <vector>

namespace ovsq {

class PhaseClock {
 public:
  // Phases are measured from `start_ns` (CLOCK_MONOTONIC).
  explicit PhaseClock(uint64_t start_ns = now_ns()) : last_(start_ns) {}

  // Ends the phase running since the previous mark (or construction).
  void mark(const char* phase) {
    uint64_t now = now_ns();
    phases_.push_back({phase, now - last_});
    last_ = now;
  }

  static uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
  }

  // "parse 0.04 ms, debug info 0.61 ms, ..., total 21.3 ms"
  std::string summary() const {
    std::string text;
    uint64_t total = 0;
    char buf[64];
    for (const Phase& p : phases_) {
      std::snprintf(buf, sizeof buf, "%s %.2f ms, ", p.name, p.ns / 1e6);
      text += buf;
      total += p.ns;
    }
    std::snprintf(buf, sizeof buf, "total %.2f ms", total / 1e6);
    return text + buf;
  }

 private:
  struct Phase {
    const char* name;
    uint64_t ns;
  };
  uint64_t last_;
  std::vector<Phase> phases_;
};

}  // namespace ovsq
