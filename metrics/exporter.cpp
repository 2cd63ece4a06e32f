#include "metrics/exporter.h"

#include <unistd.h>

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "metrics/capabilities.h"
#include "metrics/exposition.h"
#include "metrics/families.h"
#include "metrics/health.h"
#include "runtime/event_loop.h"
#include "runtime/fd.h"
#include "runtime/process.h"
#include "runtime/query.h"
#include "runtime/stop_signals.h"
#include "support/error.h"

namespace ovsq::metrics {
namespace {

constexpr uint64_t kFollowPollNs = 100'000'000;  // as the one-shot's --follow
// The query's Output: rows are muted and interval tables never printed;
// what it keeps is the tables a scrape asks for (Query::show) and each
// statement's full-map drops as the query reports them.
class ScrapeOutput : public runtime::Output {
 public:
  // The program set the Query keeps, whose sites map_full reports point to.
  void watch(const runtime::CompiledQuery& programs) { programs_ = &programs; }
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
  const runtime::CompiledQuery* programs_ = nullptr;
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
  Health health() const;

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
  uint64_t attaches_ = 0;
  // Per family, by name: its bounds and label sets so far.
  std::map<std::string, FamilyMemory> memory_;
  std::map<std::string, size_t> dropped_series_;  // by aggregation, last scrape
};

std::unique_ptr<Attachment> Exporter::compile(pipeline::Target target) {
  auto a = std::make_unique<Attachment>();
  a->pids = target.pids;
  a->pipeline = std::make_unique<pipeline::Pipeline>(std::move(target), debug_options_, err_);
  runtime::CompiledQuery programs = a->pipeline->compile(source_, settings_, a->uprobes);
  std::vector<std::string> warnings;
  a->plans = plan_families(programs, source_, options_.prefix, warnings);
  for (const FamilyPlan& plan : a->plans)
    if (is_health_metric(options_.prefix, plan.name))
      throw UserError("--metrics: " + plan.title + " would be " + plan.name +
                      ", one of ovsq's own metrics: name it otherwise");
  if (attaches_ == 0)  // said once, not at each re-attach
    for (const std::string& w : warnings) err_ << "ovsq: warning: " << w << "\n";
  runtime::QueryOptions query_options;
  query_options.pids = a->pids;
  query_options.quiet = options_.quiet;
  query_options.uprobes = a->uprobes.get();
  query_options.follow = options_.follow;
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
  write_health(out, options_.prefix, health());
  return out;
}

Health Exporter::health() const {
  Health h;
  h.version = options_.version;
  h.query = source_.name;
  h.attaches = attaches_;
  h.series_dropped = dropped_series_;
  if (!current_) return h;
  h.attached = current_->attached;
  if (current_->pids.size() == 1) h.pid = current_->pids[0];
  runtime::QueryStats stats = current_->query->stats();
  h.events = stats.events;
  h.lost = stats.lost;
  const auto& sites = current_->query->programs().map_update_sites;
  for (size_t i = 0; i < sites.size(); ++i)
    h.map_full.push_back({&sites[i], current_->output.drops(i)});
  return h;
}

int Exporter::run(pipeline::Target target) {
  // Listening first: an address in use is said before the query's uprobe
  // events are even opened.
  HttpServer server(options_.address, [this](std::string_view path) { return answer(path); });
  current_ = compile(std::move(target));
  runtime::StopSignals signals;
  loop_.add(signals.fd(), [this, &signals] {
    if (signals.take() != 0) stop_ = true;
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
  return 0;
}

}  // namespace

int run_exporter(const frontend::Source& source, const pipeline::QuerySettings& settings,
                 pipeline::Target target, const probes::DebugInfoOptions& debug_options,
                 const ExporterOptions& options, std::ostream& err) {
  Exporter exporter(source, settings, debug_options, options, err);
  return exporter.run(std::move(target));
}

}  // namespace ovsq::metrics
