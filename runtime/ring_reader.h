#pragma once
// A query's reader of its BPF ring buffer: each record goes to the Output
// (or, while muted, is only counted), until an `exit` event or the row
// limit; after that what arrives is read and discarded, so the kernel side
// never blocks.  Reads in batches of at most kMaxBatch records, flushing
// after each, so that a fast producer cannot keep the loop from its timers
// and signals.
#include <bpf/libbpf.h>

#include <cstdint>
#include <exception>
#include <iosfwd>
#include <memory>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/layout_index.h"
#include "runtime/output.h"
#include "support/phase_clock.h"

namespace ovsq::runtime {

class RingReader {
 public:
  static constexpr unsigned kMaxBatch = 4096;  // most records in one batch

  // Why reading stopped taking events.
  enum class Stop { None, Exit, Limit };

  // `events` is the loaded object's ring buffer map; `limit` rows (0:
  // none).  `clock`: --timings, reported to `err` at the first event.
  // Throws UserError.
  RingReader(bpf_map* events, const std::vector<EventLayout>& layouts,
             uint64_t limit, Output& output, std::ostream& err, PhaseClock* clock);

  // Reads one batch and flushes; true when the ring buffer was emptied.
  // Rethrows what the Output threw.
  bool consume_batch();
  // Records in the last batch, discarded ones included.
  unsigned batch_rows() const { return rows_; }
  // The epoll descriptor that is readable while records wait.
  int fd() const { return ring_buffer__epoll_fd(ring_.get()); }

  Stop stopped() const { return stop_; }
  // For `end`: takes events again, without a limit.
  void take_all() {
    stop_ = Stop::None;
    limit_ = 0;
  }

  uint64_t events() const { return events_; }  // taken: printed or muted
  uint64_t malformed() const { return malformed_; }

  void set_muted(bool muted) { muted_ = muted; }
  void set_streams(Output& output, std::ostream& err) {
    output_ = &output;
    err_ = &err;
  }
  // --timings: marks `last_phase` and prints the summary; once.
  void report_timings(const char* last_phase);

 private:
  struct RingBufferFreer {
    void operator()(ring_buffer* r) const { ring_buffer__free(r); }
  };
  static int on_record(void* ctx, void* data, size_t size);
  void take(const uint8_t* data, size_t size);
  // While muted, what the Output would have called malformed.
  bool well_formed(const uint8_t* data, size_t size);

  std::unique_ptr<ring_buffer, RingBufferFreer> ring_;
  const std::vector<EventLayout>& layouts_;
  std::unique_ptr<LayoutIndex> index_;  // built the first time it is muted
  Output* output_;
  std::ostream* err_;
  PhaseClock* clock_;  // until the first event
  uint64_t limit_;
  uint64_t printed_ = 0;  // rows counted against the limit
  uint64_t events_ = 0;
  uint64_t malformed_ = 0;
  unsigned rows_ = 0;
  bool muted_ = false;
  Stop stop_ = Stop::None;
  std::exception_ptr error_;
};

}  // namespace ovsq::runtime
