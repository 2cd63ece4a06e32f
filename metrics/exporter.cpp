#include "metrics/exporter.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <streambuf>
#include <vector>

#include "metrics/capabilities.h"
#include "metrics/exposition.h"
#include "metrics/families.h"
#include "runtime/event_loop.h"
#include "runtime/fd.h"
#include "runtime/process.h"
#include "runtime/query.h"
#include "support/error.h"

namespace ovsq::metrics {
namespace {

constexpr uint64_t kFollowPollNs = 100'000'000;  // as the one-shot's --follow
// ovsq's own metrics, after the prefix; no aggregation may take one.
constexpr const char* kOwnMetrics[] = {
    "build_info",        "attached",          "traced_pid",     "attaches_total",
    "events_total",      "lost_events_total", "map_full_drops_total",
    "series_dropped"};

// The query's Output: rows are muted and interval tables never printed;
// what it keeps is the tables a scrape asks for (Query::show) and each
// statement's full-map drops as the query reports them.
class ScrapeOutput : public runtime::Output {
 public:
  // The program set the Query keeps, whose sites map_full reports point to.
  void watch(const runtime::BpfProgramSet& programs) { programs_ = &programs; }
  void start() override {}
  bool event(std::span<const uint8_t>) override { return true; }
  void aggregations(const runtime::Moment&,
                    std::span<const runtime::AggregationTable> tables) override {
    tables_.assign(tables.begin(), tables.end());
  }
  void lost(const runtime::LostReport&) override {}
  void map_full(const runtime::MapFullReport& report) override {
    if (programs_ == nullptr) return;
    const auto& sites = programs_->map_update_sites;
    for (size_t i = 0; i < sites.size(); ++i)
      if (&sites[i] == report.site) drops_[i] = report.dropped;
  }
  void error(std::string_view) override {}
  void flush() override {}
  bool good() const override { return true; }

  std::vector<runtime::AggregationTable> take_tables() { return std::move(tables_); }
  uint64_t drops(size_t site) const {
    auto it = drops_.find(site);
    return it == drops_.end() ? 0 : it->second;
  }

 private:
  const runtime::BpfProgramSet* programs_ = nullptr;
  std::vector<runtime::AggregationTable> tables_;
  std::map<size_t, uint64_t> drops_;  // by MapUpdateSite index, totals
};

// One vswitchd's compiled query: its families, its Query, its Output.
struct Attachment {
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::vector<FamilyPlan> plans;
  std::unique_ptr<runtime::UprobeEvents> uprobes;  // until attached
  ScrapeOutput output;
  std::unique_ptr<runtime::Query> query;
  std::vector<pid_t> pids;
  bool attached = false;  // until its process exits
};

// SIGINT and SIGTERM through a signalfd for the exporter's life.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    fd_ = runtime::Fd(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
    if (fd_.get() < 0) throw_errno("cannot create a signalfd", errno);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t set_, previous_;
  runtime::Fd fd_;
};

class Exporter {
 public:
  Exporter(const frontend::Source& source, const pipeline::QuerySettings& settings,
           const probes::DebugInfoOptions& debug_options, const ExporterOptions& options,
           std::ostream& err)
      : source_(source), settings_(settings), debug_options_(debug_options),
        options_(options), err_(err) {}

  int run(pipeline::Target target);

 private:
  std::unique_ptr<Attachment> compile(pipeline::Target target);
  void attach(Attachment& a);
  void on_follow_tick();
  void vswitchd_exited();
  void settle();
  HttpResponse answer(std::string_view path);
  std::string scrape();
  void write_health(std::string& out);
  std::string name(std::string_view suffix) const {
    return sanitize_metric_name(options_.prefix + std::string(suffix));
  }

  const frontend::Source& source_;
  const pipeline::QuerySettings& settings_;
  const probes::DebugInfoOptions& debug_options_;
  const ExporterOptions& options_;
  std::ostream& err_;

  runtime::EventLoop loop_;  // before everything whose sources are in it
  std::unique_ptr<Attachment> current_;
  std::vector<pid_t> gone_;           // vswitchds that exited
  runtime::Fd follow_timer_;
  runtime::EventLoop::SourceId follow_source_ = 0;
  bool stop_ = false;
  int status_ = 0;
  uint64_t attaches_ = 0;
  // Per family, by name: its bounds and label sets so far.
  std::map<std::string, FamilyMemory> memory_;
  std::map<std::string, size_t> dropped_series_;  // by aggregation, last scrape
};

std::unique_ptr<Attachment> Exporter::compile(pipeline::Target target) {
  auto a = std::make_unique<Attachment>();
  a->pids = target.pids;
  a->pipeline = std::make_unique<pipeline::Pipeline>(std::move(target), debug_options_, err_);
  runtime::BpfProgramSet programs = a->pipeline->compile(source_, settings_, a->uprobes);
  std::vector<std::string> warnings;
  a->plans = plan_families(programs, source_, options_.prefix, warnings);
  for (const FamilyPlan& plan : a->plans)
    for (const char* own : kOwnMetrics)
      if (plan.name == name(own))
        throw UserError("--metrics: " + plan.title + " would be " + plan.name +
                        ", one of ovsq's own metrics: name it otherwise");
  if (attaches_ == 0)  // said once, not at each re-attach
    for (const std::string& w : warnings) err_ << "ovsq: warning: " << w << "\n";
  runtime::QueryOptions query_options;
  query_options.pids = a->pids;
  query_options.quiet = options_.quiet;
  query_options.uprobes = a->uprobes.get();
  if (options_.follow) query_options.when_target_exits = "waiting for the next ovs-vswitchd";
  a->query = std::make_unique<runtime::Query>(std::move(programs), query_options,
                                              a->output, err_);
  a->output.watch(a->query->programs());
  a->query->set_muted(true);  // rows and printf lines are counted, not printed
  return a;
}

void Exporter::attach(Attachment& a) {
  a.query->load();
  a.query->begin();
  a.query->attach();
  a.uprobes.reset();  // its thread is done; nothing attaches from it again
  a.query->add_sources(loop_);
  a.attached = true;  // settle() looks at once whether it still is
  ++attaches_;
}

// Each tick, one look for the next ovs-vswitchd; found, the query is
// compiled for it (its binary may differ) and attached.  An error (a
// binary without the probes) is said and the next one waited for.
void Exporter::on_follow_tick() {
  if (!runtime::timer_fired(follow_timer_)) return;
  std::optional<pid_t> next = runtime::find_next_vswitchd(gone_);
  if (!next) return;
  loop_.remove(follow_source_);
  follow_timer_ = runtime::Fd();
  try {
    pipeline::Target target = pipeline::resolve_target(*next, "");
    if (!options_.quiet)
      err_ << "Following PID " << *next << " (" << target.binary << ")." << std::endl;
    std::unique_ptr<Attachment> next_attachment = compile(std::move(target));
    if (current_) current_->query->remove_sources(loop_);
    current_ = std::move(next_attachment);  // the last one's values are gone now
    attach(*current_);
  } catch (const pipeline::QueryError& e) {
    err_ << e.rendered();
    gone_.push_back(*next);
    vswitchd_exited();
  } catch (const UserError& e) {
    err_ << "ovsq: " << e.what() << "\n";
    gone_.push_back(*next);
    vswitchd_exited();
  }
  err_.flush();
}

// The traced vswitchd exited (or the next one could not be traced): its
// values stay served until the next one is attached; with follow, wait
// for it.
void Exporter::vswitchd_exited() {
  if (current_ && current_->attached) {
    current_->attached = false;
    for (pid_t pid : current_->pids) gone_.push_back(pid);
    current_->query->finish(loop_);
  }
  if (!options_.follow) {
    stop_ = true;
    return;
  }
  if (follow_timer_.get() >= 0) return;
  follow_timer_ = runtime::make_timer(kFollowPollNs, kFollowPollNs);
  follow_source_ = loop_.add(follow_timer_.get(), [this] { on_follow_tick(); });
}

// After attaching and after each turn of the loop: a query that stopped
// by itself ends the exporter (`exit`, `for`, `limit`), unless it is its
// vswitchd that exited and the exporter follows.
void Exporter::settle() {
  if (!current_->attached || !current_->query->done()) return;
  if (current_->query->end() == runtime::QueryEnd::TargetExited) return vswitchd_exited();
  current_->attached = false;
  current_->query->finish(loop_);
  stop_ = true;
}

HttpResponse Exporter::answer(std::string_view path) {
  if (path == "/metrics") return {200, kContentType, scrape()};
  if (path == "/")
    return {200, "text/html; charset=utf-8",
            "<html><head><title>ovsq exporter</title></head><body><h1>ovsq exporter</h1>"
            "<p><a href=\"/metrics\">Metrics</a></p></body></html>\n"};
  return {404, "text/plain; charset=utf-8", "not found: ovsq serves /metrics\n"};
}

std::string Exporter::scrape() {
  std::string out;
  if (current_) {
    current_->query->show(current_->output);
    std::vector<runtime::AggregationTable> tables = current_->output.take_tables();
    for (const FamilyPlan& plan : current_->plans) {
      if (plan.aggregation >= tables.size()) continue;
      size_t dropped = 0;
      write_family(out, family_of(plan, tables[plan.aggregation], options_.max_series,
                                  memory_[plan.name], dropped));
      dropped_series_[plan.title] = dropped;
    }
  }
  write_health(out);
  return out;
}

void Exporter::write_health(std::string& out) {
  auto single = [&](std::string suffix, MetricType type, std::string help, uint64_t value) {
    MetricFamily f{name(suffix), std::move(help), type};
    f.series.push_back(Series{{}, std::to_string(value)});
    write_family(out, f);
  };
  MetricFamily build{name("build_info"), "ovsq's version; always 1", MetricType::Gauge,
                     {"version"}};
  build.series.push_back(Series{{options_.version}, "1"});
  write_family(out, build);
  bool attached = current_ && current_->attached;
  single("attached", MetricType::Gauge,
         "1 while the query is attached to the traced process, else 0", attached);
  pid_t pid = current_ && current_->pids.size() == 1 ? current_->pids[0] : 0;
  single("traced_pid", MetricType::Gauge,
         "the PID the query is attached to (0: none, or every process of a binary)",
         attached ? uint64_t(pid) : 0);
  single("attaches_total", MetricType::Counter,
         "times the query was attached (once, and again for each vswitchd followed)",
         attaches_);

  runtime::QueryStats stats;
  if (current_) stats = current_->query->stats();
  MetricFamily events{name("events_total"),
                      "rows and printf lines the query's probes sent (not printed)",
                      MetricType::Counter, {"query"}};
  events.series.push_back(Series{{source_.name}, std::to_string(stats.events)});
  write_family(out, events);
  MetricFamily lost{name("lost_events_total"),
                    "events the ring buffer had no room for", MetricType::Counter,
                    {"query"}};
  lost.series.push_back(Series{{source_.name}, std::to_string(stats.lost)});
  write_family(out, lost);

  MetricFamily full{name("map_full_drops_total"),
                    "updates a full map refused (--map-entries), by statement",
                    MetricType::Counter, {"map", "statement"}};
  if (current_) {
    const auto& sites = current_->query->programs().map_update_sites;
    for (size_t i = 0; i < sites.size(); ++i)
      full.series.push_back(Series{{sites[i].map, sites[i].where},
                             std::to_string(current_->output.drops(i))});
  }
  write_family(out, full);
  MetricFamily dropped{name("series_dropped"),
                       "series left out of the last scrape by --metrics-max-series",
                       MetricType::Gauge, {"aggregation"}};
  for (const auto& [title, n] : dropped_series_)
    dropped.series.push_back(Series{{title}, std::to_string(n)});
  write_family(out, dropped);
}

int Exporter::run(pipeline::Target target) {
  // Listening first: an address in use is said before the query's uprobe
  // events are even opened.
  HttpServer server(options_.address, [this](std::string_view path) { return answer(path); });
  current_ = compile(std::move(target));
  SignalBlock signals;
  loop_.add(signals.fd(), [this, &signals] {
    signalfd_siginfo info;
    if (::read(signals.fd(), &info, sizeof info) == sizeof info) stop_ = true;
  });
  attach(*current_);
  std::string kept = drop_capabilities(options_.follow);
  server.add_sources(loop_);
  if (!options_.quiet)
    err_ << "Serving metrics on http://" << server.address()
         << "/metrics (capabilities kept: " << kept << ")." << std::endl;
  settle();
  while (!stop_) {
    loop_.run_once();
    settle();
  }
  if (current_->attached) current_->query->finish(loop_);
  return status_;
}

}  // namespace

int run_exporter(const frontend::Source& source, const pipeline::QuerySettings& settings,
                 pipeline::Target target, const probes::DebugInfoOptions& debug_options,
                 const ExporterOptions& options, std::ostream& err) {
  Exporter exporter(source, settings, debug_options, options, err);
  return exporter.run(std::move(target));
}

}  // namespace ovsq::metrics
