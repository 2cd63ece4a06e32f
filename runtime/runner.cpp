#include "runtime/runner.h"

#include "runtime/batch_pacer.h"

#include <bpf/libbpf.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <exception>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/loader.h"
#include "runtime/map_reader.h"
#include "runtime/process.h"
#include "support/error.h"

namespace ovsq::runtime {
namespace {

constexpr int kLivenessPollMs = 200;  // without pidfds: /proc polling rate
constexpr unsigned kMaxBatch = 4096;  // most rows in one batch
constexpr int kMaxDrainBatches = 64;  // before an interval's tables
// Without `every`, lost events and full maps are still reported this often.
constexpr uint64_t kReportIntervalNs = 1000000000;

struct RingBufferFreer {
  void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};
using RingBuffer = std::unique_ptr<ring_buffer, RingBufferFreer>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Blocks SIGINT and SIGTERM for the duration of run(), so they arrive
// through a signalfd and every exit path detaches.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~SignalBlock() {
    // A signal that arrived after the run had already decided to stop
    // (exit, limit, for) must not kill ovsq while it prints the rest.
    timespec now{0, 0};
    while (sigtimedwait(&set_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_, previous_;
};

std::string status_line(const BpfProgramSet& programs, const RunOptions& options,
                        size_t uprobes) {
  std::set<std::string> probes;
  for (const AttachPoint& ap : programs.attach_points)
    if (ap.trigger == AttachPoint::Trigger::Probe) probes.insert(ap.probe);
  std::string line = "Attached " + std::to_string(probes.size()) +
                     (probes.size() == 1 ? " probe (" : " probes (") +
                     std::to_string(uprobes) +
                     (uprobes == 1 ? " uprobe) to " : " uprobes) to ");
  if (options.pids.empty()) {
    line += "every process running " + programs.binary;
  } else {
    line += options.pids.size() == 1 ? "PID " : "PIDs ";
    for (size_t i = 0; i < options.pids.size(); ++i)
      line += (i ? ", " : "") + std::to_string(options.pids[i]);
  }
  return line + "; Ctrl-C to stop.";
}

// ---- consuming -------------------------------------------------------------

struct Consumer {
  Output& output;
  uint64_t limit = 0;       // rows; 0: none
  uint64_t printed = 0;     // rows so far
  unsigned rows = 0;        // in this batch
  uint64_t malformed = 0;
  bool exit_seen = false;   // an `exit` event arrived
  bool done = false;        // exit or limit: ignore everything after
  std::exception_ptr error;
  PhaseClock* clock = nullptr;  // --timings, until the first event
  std::ostream* err = nullptr;
};

void report_timings(Consumer& c, const char* last_phase) {
  if (c.clock == nullptr) return;
  c.clock->mark(last_phase);
  *c.err << "ovsq: timings: " << c.clock->summary() << "\n";
  c.clock = nullptr;
}

// Returns < 0 to end the batch after kMaxBatch rows (libbpf has consumed
// the record by then), so that a fast producer cannot keep us from
// flushing and from seeing Ctrl-C.
int on_event(void* ctx, void* data, size_t size) {
  auto* c = static_cast<Consumer*>(ctx);
  ++c->rows;
  if (c->done) return c->rows >= kMaxBatch ? -EAGAIN : 0;  // discarded
  try {
    std::span<const uint8_t> event(static_cast<const uint8_t*>(data), size);
    uint32_t id = 0;
    if (size >= sizeof id) std::memcpy(&id, data, sizeof id);
    if (id == kExitEventId) {
      c->exit_seen = c->done = true;
    } else if (!c->output.event(event)) {
      ++c->malformed;
    } else {
      report_timings(*c, "first event");  // once, and only with --timings
      if (c->limit != 0 && ++c->printed >= c->limit) c->done = true;
    }
  } catch (...) {
    c->error = std::current_exception();
    return -ECANCELED;
  }
  return c->rows >= kMaxBatch ? -EAGAIN : 0;
}

// Consumes one batch and flushes; true when the ring buffer was emptied.
bool consume_batch(ring_buffer* rb, Consumer& consumer) {
  consumer.rows = 0;
  int n = ring_buffer__consume(rb);
  if (consumer.error) std::rethrow_exception(consumer.error);
  if (consumer.rows > 0) consumer.output.flush();
  return n >= 0;
}

// What the kernel side counted: lost events, updates full maps refused,
// the exit flag; reported as it changes.
class KernelCounters {
 public:
  KernelCounters(bpf_object* object, const BpfProgramSet& programs, Output& output)
      : programs_(programs),
        output_(output),
        ncpus_(libbpf_num_possible_cpus()),
        lost_map_(bpf_object__find_map_by_name(object, kLostMap)),
        full_map_(bpf_object__find_map_by_name(object, kMapFullMap)),
        exit_map_(bpf_object__find_map_by_name(object, kExitMap)),
        lost_reported_(std::max(ncpus_, 0)),
        full_reported_(programs.map_update_sites.size()) {}

  // Reports events lost since the last report (interval) or in total (final).
  void report_lost(const Moment& at, bool final) {
    std::vector<uint64_t> now = read_percpu_counter(lost_map_, 0, ncpus_);
    LostReport report;
    report.at = at;
    report.final = final;
    report.per_cpu.resize(now.size());
    for (size_t cpu = 0; cpu < now.size(); ++cpu) {
      report.per_cpu[cpu] = final ? now[cpu] : now[cpu] - lost_reported_[cpu];
      report.count += report.per_cpu[cpu];
    }
    lost_reported_ = now;
    if (final || report.count > 0) output_.lost(report);
  }

  // Reports every map whose drops grew since the last report.
  void report_full_maps() {
    for (size_t site = 0; site < programs_.map_update_sites.size(); ++site) {
      uint64_t dropped = 0;
      for (uint64_t v : read_percpu_counter(full_map_, uint32_t(site), ncpus_))
        dropped += v;
      if (dropped == full_reported_[site]) continue;
      full_reported_[site] = dropped;
      output_.map_full({&programs_.map_update_sites[site], dropped});
    }
  }

  bool exit_requested() {
    uint32_t key = 0;
    uint64_t flag = 0;
    return exit_map_ &&
           bpf_map__lookup_elem(exit_map_, &key, sizeof key, &flag, sizeof flag, 0) == 0 &&
           flag != 0;
  }

 private:
  const BpfProgramSet& programs_;
  Output& output_;
  int ncpus_;
  bpf_map* lost_map_;
  bpf_map* full_map_;
  bpf_map* exit_map_;
  std::vector<uint64_t> lost_reported_;
  std::vector<uint64_t> full_reported_;
};

// Reads every aggregation (emptying them with `reset`) and prints them.
// Returns false, printing nothing, when `skip_if_empty` and all are empty.
bool print_aggregations(bpf_object* object, const BpfProgramSet& programs,
                        Output& output, const Moment& at, bool reset,
                        bool skip_if_empty) {
  int ncpus = libbpf_num_possible_cpus();
  std::vector<AggregationTable> tables;
  bool empty = true;
  for (const AggregationMap& desc : programs.aggregations) {
    bpf_map* map = bpf_object__find_map_by_name(object, desc.bpf_name.c_str());
    std::vector<RawEntry> entries =
        map ? read_aggregation(map, desc, ncpus, reset) : std::vector<RawEntry>();
    empty = empty && entries.empty();
    tables.push_back(decode_aggregation(desc, entries, ncpus));
  }
  if (tables.empty() || (skip_if_empty && empty)) return false;
  output.aggregations(at, tables);
  output.flush();
  return true;
}

Fd make_timer(uint64_t first_ns, uint64_t period_ns) {
  Fd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (fd.get() < 0) throw_errno("cannot create a timer", errno);
  auto spec = [](uint64_t ns) {
    return timespec{time_t(ns / 1000000000), long(ns % 1000000000)};
  };
  itimerspec value{spec(period_ns), spec(first_ns)};
  if (::timerfd_settime(fd.get(), 0, &value, nullptr) != 0)
    throw_errno("cannot start a timer", errno);
  return fd;
}

// True (and re-armed) when the timer fired since the last call.
bool timer_fired(const Fd& timer) {
  uint64_t expirations = 0;
  return ::read(timer.get(), &expirations, sizeof expirations) == sizeof expirations;
}

// A traced PID, watched through a pidfd, or by polling process_alive()
// where pidfd_open is unavailable (kernels before 5.3).
struct Watched {
  pid_t pid;
  Fd pidfd;
  size_t slot;  // in the pollfd array; unused without a pidfd
  bool exited = false;
};

Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  return Fd();
#endif
}

}  // namespace

int run(const BpfProgramSet& programs, const RunOptions& options,
        Output& output, std::ostream& err) {
  SignalBlock signals;
  LibbpfCapture capture;

  Object object = open_and_load(programs, capture);
  if (options.clock) options.clock->mark("load");
  std::vector<Link> begin_links =
      attach_triggers(object.get(), programs, AttachPoint::Trigger::Begin);
  std::vector<Link> end_links =
      attach_triggers(object.get(), programs, AttachPoint::Trigger::End);

  Consumer consumer{output, programs.limit_rows, 0, 0, 0, false, false, nullptr,
                    options.clock, &err};
  bpf_map* events = bpf_object__find_map_by_name(object.get(), kEventsMap);
  uint32_t largest_event = 8;
  for (const EventLayout& layout : programs.layouts)
    largest_event = std::max(largest_event, layout.size);
  BatchPacer pacer(largest_event, bpf_map__max_entries(events),
                   std::chrono::steady_clock::now());
  RingBuffer rb(
      ring_buffer__new(bpf_map__fd(events), on_event, &consumer, nullptr));
  if (!rb) throw_errno("cannot read the BPF ring buffer", errno);
  Fd sigfd(::signalfd(-1, &signals.set(), SFD_CLOEXEC | SFD_NONBLOCK));
  if (sigfd.get() < 0) throw_errno("cannot create a signalfd", errno);
  KernelCounters counters(object.get(), programs, output);

  // `begin` runs once, before the probes are attached, so that what it
  // prints comes before the rows' header and its `exit` attaches nothing.
  if (!begin_links.empty()) {
    fire_trigger(AttachPoint::Trigger::Begin);
    begin_links.clear();
    while (!consume_batch(rb.get(), consumer)) {
    }
  }
  std::vector<Link> links;
  if (!consumer.done) {
    std::optional<UprobeEvents> own_uprobes;
    UprobeEvents* uprobes = options.uprobes;
    if (uprobes == nullptr)
      uprobes = &own_uprobes.emplace(programs.binary, std::vector<UprobeLocation>{},
                                     options.pids);
    links = attach_probes(object.get(), programs, options.pids, *uprobes);
  }
  if (options.clock) options.clock->mark("attach");

  // Slots: 0 the ring buffer, 1 signals, 2 the report timer, 3 the `for`
  // deadline, then one per pidfd.
  uint64_t period = programs.every_ns ? programs.every_ns : kReportIntervalNs;
  Fd report_timer = make_timer(period, period);
  Fd deadline = programs.for_ns ? make_timer(programs.for_ns, 0) : Fd();
  std::vector<pollfd> fds = {{ring_buffer__epoll_fd(rb.get()), POLLIN, 0},
                             {sigfd.get(), POLLIN, 0},
                             {report_timer.get(), POLLIN, 0},
                             {deadline.get(), POLLIN, 0}};
  std::vector<Watched> watched;
  bool polling_liveness = false;
  for (pid_t pid : options.pids) {
    Watched w{pid, open_pidfd(pid), 0};
    if (w.pidfd.get() >= 0) {
      w.slot = fds.size();
      fds.push_back({w.pidfd.get(), POLLIN, 0});
    } else if (errno == ESRCH) {
      w.exited = !process_alive(pid);
    } else {
      polling_liveness = true;
    }
    watched.push_back(std::move(w));
  }

  if (!consumer.done) {  // begin did not exit
    if (!options.quiet)
      err << status_line(programs, options, links.size()) << '\n';
    output.start();
  }
  output.flush();
  err.flush();

  uint64_t interval = 0;
  auto interval_start = std::chrono::steady_clock::now();
  auto moment = [&](uint64_t n) { return Moment{std::chrono::system_clock::now(), n}; };
  std::chrono::microseconds pause{0};  // leave the ring buffer alone this long
  bool stop = false;
  size_t alive = watched.size();
  for (Watched& w : watched) alive -= w.exited;  // died before we watched
  if (!watched.empty() && alive == 0) {
    err << "PID " << watched.back().pid << " exited; stopping.\n";
    stop = true;
  }
  while (!stop && !consumer.done) {
    timespec timeout{0, kLivenessPollMs * 1000000L};
    if (pause.count() > 0) timeout = {0, long(pause.count()) * 1000};
    bool timed = polling_liveness || pause.count() > 0;
    size_t skip = pause.count() > 0 ? 1 : 0;  // the ring buffer's slot
    int n = ::ppoll(fds.data() + skip, fds.size() - skip, timed ? &timeout : nullptr,
                    nullptr);
    if (n < 0 && errno != EINTR) throw_errno("poll", errno);

    bool drained = consume_batch(rb.get(), consumer);
    pause = pacer.pause_after(consumer.rows, drained, std::chrono::steady_clock::now());
    if (!output.good()) break;  // the reader went away (e.g. `| head`)
    if (consumer.done) break;

    if (n > 0 && (fds[1].revents & POLLIN)) {
      signalfd_siginfo info;
      if (::read(sigfd.get(), &info, sizeof info) == sizeof info) break;
    }
    if (timer_fired(report_timer)) {
      if (programs.every_ns) {
        // The interval's events first; bounded, since a producer faster
        // than we print would keep the ring from ever being empty.
        for (int batch = 0; batch < kMaxDrainBatches; ++batch)
          if (consume_batch(rb.get(), consumer)) break;
        print_aggregations(object.get(), programs, output, moment(++interval),
                           true, false);
        interval_start = std::chrono::steady_clock::now();
      }
      counters.report_lost(moment(interval), false);
      counters.report_full_maps();
      output.flush();
      err.flush();
      if (counters.exit_requested()) break;
    }
    if (deadline.get() >= 0 && timer_fired(deadline)) break;
    for (Watched& w : watched) {
      if (w.exited) continue;
      w.exited = w.pidfd.get() >= 0 ? n > 0 && (fds[w.slot].revents & POLLIN)
                                    : !process_alive(w.pid);
      if (!w.exited) continue;
      if (w.pidfd.get() >= 0) fds[w.slot].fd = -1;  // poll ignores it now
      err << "PID " << w.pid << (--alive == 0 ? " exited; stopping.\n" : " exited.\n");
      err.flush();
      stop = alive == 0;
    }
  }

  auto loop_end = std::chrono::steady_clock::now();  // detaching takes a while
  // Detach first so that draining ends (after `exit` or the row limit,
  // what is left is discarded); `end` runs after the probes stop, and what
  // it prints always shows.
  links.clear();
  while (!consume_batch(rb.get(), consumer) && output.good()) {
  }
  if (!end_links.empty()) {
    fire_trigger(AttachPoint::Trigger::End);
    end_links.clear();
    consumer.done = false;
    consumer.limit = 0;
    while (!consume_batch(rb.get(), consumer) && output.good()) {
    }
  }
  // With `every`, the last interval is printed like the others, unless it
  // is a short one in which nothing happened (Ctrl-C just after a print).
  // A `for` that ends with an interval (every 200ms for 1s) races the
  // interval timer: whichever fires first, that interval is printed once.
  if (programs.every_ns) {
    auto lasted = loop_end - interval_start;
    bool full = lasted >= std::chrono::nanoseconds(programs.every_ns / 2);
    print_aggregations(object.get(), programs, output, moment(++interval), true, !full);
  }
  else
    print_aggregations(object.get(), programs, output, moment(0), false, false);
  counters.report_lost(moment(0), true);
  counters.report_full_maps();
  report_timings(consumer, "run without events");
  if (consumer.malformed > 0)
    err << "Ignored " << consumer.malformed
        << (consumer.malformed == 1 ? " malformed event.\n" : " malformed events.\n");
  output.flush();
  err.flush();
  return 0;
}

}  // namespace ovsq::runtime
