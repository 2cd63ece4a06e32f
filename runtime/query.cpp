#include "runtime/query.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>

#include "runtime/batch_pacer.h"
#include "runtime/fd.h"
#include "runtime/interval_clock.h"
#include "runtime/kernel_counters.h"
#include "runtime/loader.h"
#include "runtime/map_reader.h"
#include "runtime/process.h"
#include "runtime/ring_reader.h"

namespace ovsq::runtime {
namespace {

constexpr uint64_t kLivenessPollNs = 200000000;  // without pidfds: /proc polling
constexpr int kMaxDrainBatches = 64;             // before an interval's tables
// Without `every`, lost events and full maps are still reported this often.
constexpr uint64_t kReportIntervalNs = 1000000000;

using SteadyClock = std::chrono::steady_clock;

Moment moment(uint64_t interval, pid_t process = 0) {
  return Moment{std::chrono::system_clock::now(), interval, process};
}

std::string status_line(const CompiledQuery& programs, const QueryOptions& options,
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

// A traced PID, watched through a pidfd, or by polling process_alive()
// where pidfd_open is unavailable (kernels before 5.3).
struct Watched {
  pid_t pid;
  Fd pidfd;
  EventLoop::SourceId source = 0;  // the pidfd's
  bool exited = false;
};

}  // namespace

struct Query::State {
  // Declared first, so it ends last: libbpf stays quiet on stderr for
  // the Query's whole life, detaching included, as it did in one run.
  LibbpfCapture quiet_libbpf;
  CompiledQuery programs;
  QueryOptions options;
  Output* output;
  std::ostream* err;

  Object object;
  std::vector<Link> begin_links, end_links, links;
  std::unique_ptr<RingReader> reader;
  std::optional<BatchPacer> pacer;
  std::optional<KernelCounters> counters;
  std::optional<IntervalClock> intervals;
  SteadyClock::time_point started{};

  Fd report_timer, deadline, liveness_timer;
  std::vector<Watched> watched;
  size_t alive = 0;
  EventLoop* loop = nullptr;  // while the sources are in it
  std::vector<EventLoop::SourceId> sources;
  EventLoop::SourceId ring_source = 0;
  std::optional<SteadyClock::time_point> stopped_at;  // when it stopped by itself

  QueryEnd stopped = QueryEnd::Running;  // by a timer, a PID or the output
  bool muted = false;
  bool finished = false;

  State(CompiledQuery p, QueryOptions o, Output& out, std::ostream& e)
      : programs(std::move(p)), options(std::move(o)), output(&out), err(&e) {}

  QueryEnd end() const;
  void stop(QueryEnd why) {
    if (end() == QueryEnd::Running) stopped = why;
  }
  EventLoop::SourceId add(int fd, std::function<void()> handler) {
    EventLoop::SourceId id = loop->add(fd, [this, handler = std::move(handler)] {
      handler();
      settle_if_done();
    });
    sources.push_back(id);
    return id;
  }
  // A query that stopped by itself detaches and leaves the loop at once:
  // nothing more is counted in its last interval, and its ring buffer does
  // not keep the loop awake until finish() reads what is left.
  void settle_if_done() {
    if (end() == QueryEnd::Running || stopped_at) return;
    stopped_at = SteadyClock::now();  // detaching takes a while
    links.clear();
    leave_loop();
  }
  void leave_loop() {
    if (loop == nullptr) return;
    for (EventLoop::SourceId id : sources) loop->remove(id);
    for (Watched& w : watched) w.source = 0;
    sources.clear();
    loop = nullptr;
  }
  bool print_tables(Output& out, const Moment& at, bool reset, bool skip_if_empty);
  // Whom the tables counted, named once a followed run has seen one exit.
  pid_t named_process() const {
    bool several = options.after_restart || stopped == QueryEnd::TargetExited;
    return options.follow && several && options.pids.size() == 1 ? options.pids[0] : 0;
  }

  // The handlers.  Each starts by reading a batch, as every wakeup of the
  // single-query loop did: an `exit` or the limit's last row already in
  // the ring stops the query before a timer or a PID exit is acted on.
  bool read_batch();  // false once the query is done
  void on_report_timer();
  void on_deadline();
  void on_pid_exit(size_t index);
  void on_liveness_tick();
  void exited(Watched& w);
};

QueryEnd Query::State::end() const {
  if (stopped != QueryEnd::Running || !reader || finished) return stopped;
  switch (reader->stopped()) {
    case RingReader::Stop::Exit: return QueryEnd::Exit;
    case RingReader::Stop::Limit: return QueryEnd::Limit;
    case RingReader::Stop::None: break;
  }
  return QueryEnd::Running;
}

// Prints the aggregations; false, printing nothing, when there are none,
// or when `skip_if_empty` and all are empty.
bool Query::State::print_tables(Output& out, const Moment& at, bool reset,
                                bool skip_if_empty) {
  AggregationTables t = read_aggregations(object.get(), programs, reset);
  if (t.tables.empty() || (skip_if_empty && t.empty)) return false;
  out.aggregations(at, t.tables);
  out.flush();
  return true;
}

bool Query::State::read_batch() {
  if (end() != QueryEnd::Running) return false;
  bool drained = reader->consume_batch();
  SteadyClock::time_point now = SteadyClock::now();
  loop->pause(ring_source, now + pacer->pause_after(reader->batch_rows(), drained, now));
  if (!output->good()) stop(QueryEnd::OutputClosed);  // e.g. `| head` exited
  return end() == QueryEnd::Running;
}

void Query::State::on_report_timer() {
  if (!read_batch() || !timer_fired(report_timer)) return;
  if (intervals->has_intervals()) {
    // The interval's events first; bounded, since a producer faster than
    // we print would keep the ring from ever being empty.
    for (int batch = 0; batch < kMaxDrainBatches; ++batch)
      if (reader->consume_batch()) break;
    if (muted) read_aggregations(object.get(), programs, true);  // only emptied
    else print_tables(*output, moment(intervals->intervals() + 1, named_process()), true, false);
    // The next interval starts once this one is out.
    intervals->interval_ended(SteadyClock::now());
  }
  counters->report_lost(*output, moment(intervals->intervals()), false);
  counters->report_full_maps(*output);
  output->flush();
  err->flush();
  if (counters->exit_requested()) stop(QueryEnd::Exit);
}

void Query::State::on_deadline() {
  if (read_batch() && timer_fired(deadline)) stop(QueryEnd::Deadline);
}

void Query::State::on_pid_exit(size_t index) {
  if (read_batch()) exited(watched[index]);
}

void Query::State::on_liveness_tick() {
  if (!read_batch() || !timer_fired(liveness_timer)) return;
  for (Watched& w : watched)
    if (!w.exited && w.pidfd.get() < 0 && !process_alive(w.pid)) exited(w);
}

void Query::State::exited(Watched& w) {
  if (w.exited) return;
  w.exited = true;
  if (w.source != 0) loop->remove(w.source);  // a pidfd stays readable
  std::string next = options.follow ? "waiting for the next ovs-vswitchd" : "stopping";
  *err << "PID " << w.pid << (--alive == 0 ? " exited; " + next + ".\n" : " exited.\n");
  err->flush();
  if (alive == 0) stop(QueryEnd::TargetExited);
}

Query::Query(CompiledQuery programs, QueryOptions options, Output& output,
             std::ostream& err)
    : state_(std::make_unique<State>(std::move(programs), std::move(options),
                                     output, err)) {}

Query::~Query() { state_->leave_loop(); }

void Query::load() {
  State& s = *state_;
  {
    LibbpfCapture capture;  // this phase's messages, for its error
    s.object = open_and_load(s.programs, capture);
  }
  if (s.options.clock) s.options.clock->mark("load");
  s.begin_links = attach_triggers(s.object.get(), s.programs, AttachPoint::Trigger::Begin);
  s.end_links = attach_triggers(s.object.get(), s.programs, AttachPoint::Trigger::End);

  bpf_map* events = bpf_object__find_map_by_name(s.object.get(), kEventsMap);
  uint32_t largest_event = 8;
  for (const EventLayout& layout : s.programs.layouts)
    largest_event = std::max(largest_event, layout.size);
  s.pacer.emplace(largest_event, bpf_map__max_entries(events), SteadyClock::now());
  s.reader = std::make_unique<RingReader>(events, s.programs.layouts,
                                          s.programs.limit_rows, *s.output, *s.err,
                                          s.options.clock);
  s.reader->set_muted(s.muted);
  s.counters.emplace(s.object.get(), s.programs);
}

// `begin` runs once, before the probes are attached, so that what it
// prints comes before the rows' header and its `exit` attaches nothing.
void Query::begin() {
  State& s = *state_;
  if (s.begin_links.empty()) return;
  fire_trigger(AttachPoint::Trigger::Begin);
  s.begin_links.clear();
  while (!s.reader->consume_batch()) {
  }
}

void Query::attach() {
  State& s = *state_;
  if (!done()) {  // begin did not exit
    std::optional<UprobeEvents> own_uprobes;
    UprobeEvents* uprobes = s.options.uprobes;
    if (uprobes == nullptr)
      uprobes = &own_uprobes.emplace(s.programs.binary, std::vector<UprobeLocation>{},
                                     s.options.pids);
    s.links = attach_probes(s.object.get(), s.programs, s.options.pids, *uprobes);
  }
  if (s.options.clock) s.options.clock->mark("attach");
  s.started = SteadyClock::now();
  if (!done()) {
    if (!s.options.quiet)
      *s.err << status_line(s.programs, s.options, s.links.size()) << '\n';
    s.output->start();
  }
  s.output->flush();
  s.err->flush();
}

void Query::add_sources(EventLoop& loop) {
  State& s = *state_;
  s.loop = &loop;
  uint64_t period = s.programs.every_ns ? s.programs.every_ns : kReportIntervalNs;
  s.report_timer = make_timer(period, period);
  if (s.programs.for_ns) s.deadline = make_timer(s.programs.for_ns, 0);
  s.intervals.emplace(s.programs.every_ns, SteadyClock::now());

  s.ring_source = s.add(s.reader->fd(), [&s] { s.read_batch(); });
  s.add(s.report_timer.get(), [&s] { s.on_report_timer(); });
  if (s.deadline.get() >= 0) s.add(s.deadline.get(), [&s] { s.on_deadline(); });

  bool polling = false;
  s.watched.clear();
  for (pid_t pid : s.options.pids) {
    Watched w{pid, open_pidfd(pid)};
    if (w.pidfd.get() < 0) {
      if (errno == ESRCH) w.exited = !process_alive(pid);
      polling = polling || !w.exited;
    }
    s.watched.push_back(std::move(w));
  }
  for (size_t i = 0; i < s.watched.size(); ++i) {
    Watched& w = s.watched[i];
    if (w.pidfd.get() < 0) continue;
    w.source = s.add(w.pidfd.get(), [&s, i] { s.on_pid_exit(i); });
  }
  if (polling) {
    s.liveness_timer = make_timer(kLivenessPollNs, kLivenessPollNs);
    s.add(s.liveness_timer.get(), [&s] { s.on_liveness_tick(); });
  }
  s.alive = std::count_if(s.watched.begin(), s.watched.end(),
                          [](const Watched& w) { return !w.exited; });
  if (!s.watched.empty() && s.alive == 0) {  // died before we watched
    *s.err << "PID " << s.watched.back().pid << " exited; stopping.\n";
    s.stop(QueryEnd::TargetExited);
  }
  s.settle_if_done();  // begin exited, or no PID is left
}

// From the loop they were added to (a Query is on one loop at a time).
void Query::remove_sources(EventLoop&) { state_->leave_loop(); }

void Query::finish(EventLoop& loop) {
  State& s = *state_;
  if (s.finished || !s.reader) return;
  // The run ended when it stopped by itself, or now.
  auto loop_end = s.stopped_at.value_or(SteadyClock::now());
  remove_sources(loop);
  s.stopped = s.end();  // kept: `end` takes events again
  s.finished = true;
  // Detach first so that draining ends (after `exit` or the row limit,
  // what is left is discarded); `end` runs after the probes stop, and what
  // it prints always shows.
  s.links.clear();
  while (!s.reader->consume_batch() && s.output->good()) {
  }
  if (!s.end_links.empty()) {
    fire_trigger(AttachPoint::Trigger::End);
    s.end_links.clear();
    s.reader->take_all();
    while (!s.reader->consume_batch() && s.output->good()) {
    }
  }
  if (!s.intervals) s.intervals.emplace(s.programs.every_ns, s.started);
  IntervalClock::Final last = s.intervals->final_tables(loop_end);
  s.print_tables(*s.output, moment(last.interval, s.named_process()), last.reset,
                 last.skip_if_empty);
  s.counters->report_lost(*s.output, moment(0), true);
  s.counters->report_full_maps(*s.output);
  s.reader->report_timings("run without events");
  if (uint64_t malformed = s.reader->malformed())
    *s.err << "Ignored " << malformed
           << (malformed == 1 ? " malformed event.\n" : " malformed events.\n");
  s.output->flush();
  s.err->flush();
}

QueryEnd Query::end() const { return state_->end(); }

bool Query::finished() const { return state_->finished; }

QueryStats Query::stats() const {
  const State& s = *state_;
  QueryStats stats;
  stats.started = s.started;
  if (s.reader) stats.events = s.reader->events();
  if (s.counters) {
    stats.lost = s.counters->lost_total();
    stats.map_full_drops = s.counters->map_full_total();
  }
  return stats;
}

const CompiledQuery& Query::programs() const { return state_->programs; }

bool Query::show(Output& output) {
  State& s = *state_;
  if (!s.object) return false;
  return s.print_tables(output, moment(0), false, false);
}

void Query::read_pending() {
  State& s = *state_;
  if (!s.reader || s.end() != QueryEnd::Running) return;
  for (int batch = 0; batch < kMaxDrainBatches; ++batch)
    if (s.reader->consume_batch()) break;
}

void Query::set_muted(bool muted) {
  state_->muted = muted;
  if (state_->reader) state_->reader->set_muted(muted);
}

void Query::set_streams(Output& output, std::ostream& err) {
  state_->output = &output;
  state_->err = &err;
  if (state_->reader) state_->reader->set_streams(output, err);
}

}  // namespace ovsq::runtime
