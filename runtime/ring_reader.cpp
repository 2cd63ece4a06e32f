#include "runtime/ring_reader.h"

#include <cerrno>
#include <cstring>
#include <ostream>
#include <span>
#include <utility>

#include "support/error.h"

namespace ovsq::runtime {

RingReader::RingReader(bpf_map* events, const std::vector<EventLayout>& layouts,
                       uint64_t limit, Output& output, std::ostream& err,
                       PhaseClock* clock)
    : ring_(ring_buffer__new(bpf_map__fd(events), on_record, this, nullptr)),
      layouts_(layouts),
      output_(&output),
      err_(&err),
      clock_(clock),
      limit_(limit) {
  if (!ring_) throw_errno("cannot read the BPF ring buffer", errno);
}

void RingReader::report_timings(const char* last_phase) {
  if (clock_ == nullptr) return;
  clock_->mark(last_phase);
  *err_ << "ovsq: timings: " << clock_->summary() << "\n";
  clock_ = nullptr;
}

bool RingReader::consume_batch() {
  rows_ = 0;
  int n = ring_buffer__consume(ring_.get());
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  if (rows_ > 0) output_->flush();
  return n >= 0;
}

// Returns < 0 to end the batch after kMaxBatch records (libbpf has
// consumed the record by then).
int RingReader::on_record(void* ctx, void* data, size_t size) {
  auto* reader = static_cast<RingReader*>(ctx);
  ++reader->rows_;
  if (reader->stop_ == Stop::None) {  // else discarded
    try {
      reader->take(static_cast<const uint8_t*>(data), size);
    } catch (...) {
      reader->error_ = std::current_exception();
      return -ECANCELED;
    }
  }
  return reader->rows_ >= kMaxBatch ? -EAGAIN : 0;
}

void RingReader::take(const uint8_t* data, size_t size) {
  uint32_t id = 0;
  if (size >= sizeof id) std::memcpy(&id, data, sizeof id);
  if (id == kExitEventId) {
    stop_ = Stop::Exit;
    return;
  }
  bool taken = muted_ ? well_formed(data, size)
                      : output_->event(std::span<const uint8_t>(data, size));
  if (!taken) {
    ++malformed_;
    return;
  }
  ++events_;
  report_timings("first event");  // once, and only with --timings
  if (limit_ != 0 && ++printed_ >= limit_) stop_ = Stop::Limit;
}

bool RingReader::well_formed(const uint8_t* data, size_t size) {
  if (!index_) index_ = std::make_unique<LayoutIndex>(layouts_);
  const Prepared* layout = nullptr;
  return index_->find(std::span<const uint8_t>(data, size), layout) ==
         LayoutIndex::Found::Layout;
}

}  // namespace ovsq::runtime
