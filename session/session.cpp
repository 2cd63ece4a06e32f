#include "session/session.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "session/commands.h"
#include "session/help.h"
#include "session/inspect.h"
#include "support/error.h"
#include "support/phase_clock.h"

namespace ovsq::session {
namespace {

constexpr const char* kPrompt = "ovsq> ";
constexpr const char* kContinuationPrompt = "...> ";

// Rows of a background job with no output file go nowhere (they are still
// counted); an ostream without a buffer would fail, and end the query.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c == EOF ? 0 : c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};
NullBuffer null_buffer;
std::ostream null_stream(&null_buffer);

// Each line of `text` after "[N] ".
std::string prefixed(int number, const std::string& text) {
  std::string result, prefix = "[" + std::to_string(number) + "] ";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) result += prefix + line + "\n";
  return result;
}

}  // namespace

Session::Session(pipeline::Pipeline& pipeline, pipeline::QuerySettings settings,
                 LineEditor& editor, std::ostream& out, std::ostream& err, bool timings)
    : pipeline_(pipeline), settings_(std::move(settings)), editor_(editor), out_(out),
      err_(err), timings_(timings) {
  // Ctrl-C stops the foreground query (or drops the line being typed) and
  // SIGTERM ends the session (runtime/stop_signals.h).
  loop_.add(signals_.fd(), [this] { on_signal(); });
  editor_.set_completer([this](std::string_view before) { return complete(before); });
}

Session::~Session() {
  foreground_.reset();
}

int Session::run() {
  // The binary's notes and DWARF, once, before the first prompt (so that
  // a warning shows now and no query waits for them).
  const probes::UsdtNotes& notes = pipeline_.notes();
  pipeline_.debug_info();
  const pipeline::Target& target = pipeline_.target();
  std::string on = target.pids.empty() ? "every process running " + target.binary
                                       : "PID " + std::to_string(target.pids.front()) +
                                             " (" + target.binary + ")";
  err_ << "ovsq " << OVSQ_VERSION << " session on " << on << ", "
       << notes.probes.size() << " USDT probes. .help lists the commands; "
       << ".quit or Ctrl-D leaves.\n";
  err_.flush();

  while (!quit_) {
    bool busy = foreground_ || foreground_job_;
    if (!busy && !prompting_) {
      show_status();
      show_prompt();
    }
    if (prompting_ && editor_.has_buffered_line()) {
      on_terminal();
    } else {
      loop_.run_once();
    }
    while (!lines_.empty() && !foreground_ && !foreground_job_ && !quit_) {
      std::string line = std::move(lines_.front());
      lines_.erase(lines_.begin());
      take_line(line);
    }
    Job* fg = foreground_ ? foreground_.get() : foreground_job_;
    if (fg && (interrupted_ || fg->query->done())) end_foreground(interrupted_);
    interrupted_ = false;
    reap_jobs();
    collect_status();
    if (prompting_) show_status();  // above the line being typed
  }

  if (prompting_) {  // SIGTERM while a line was being typed
    editor_.suspend();
    prompting_ = false;
    out_ << "\n";
  }
  // Everything still running is detached, its last tables printed.
  if (foreground_ || foreground_job_) end_foreground(false);
  for (Job* job : jobs_.jobs())
    if (!job->finished) {
      out_ << "[" << job->number << "] stopped: " << first_line_of(job->text) << "\n";
      std::unique_ptr<runtime::Output> output = terminal_output(*job);
      finish_job(*job, *output, err_);
      job->end_reason = "stopped";
    }
  show_status();
  out_.flush();
  err_.flush();
  return 0;
}

void Session::show_prompt() {
  editor_.prompt(pending_.empty() ? kPrompt : kContinuationPrompt);
  prompting_ = true;
  if (!terminal_source_) terminal_source_ = loop_.add(editor_.fd(), [this] { on_terminal(); });
}

void Session::on_terminal() {
  std::string line;
  switch (editor_.read(line)) {
    case LineEditor::Read::Nothing:
      return;
    case LineEditor::Read::End:
      quit_ = true;
      break;
    case LineEditor::Read::Line:
      lines_.push_back(std::move(line));
      break;
  }
  // The terminal is left alone until the next prompt (a query may run).
  prompting_ = false;
  if (terminal_source_) loop_.remove(*terminal_source_);
  terminal_source_.reset();
}

void Session::on_signal() {
  while (int signal = signals_.take()) {
    if (signal == SIGTERM) {
      quit_ = true;
    } else if (foreground_ || foreground_job_) {
      interrupted_ = true;
    } else if (prompting_) {
      // Ctrl-C at the prompt drops the line (and an unfinished program).
      editor_.cancel_line();
      pending_.clear();
      prompting_ = false;
      if (terminal_source_) loop_.remove(*terminal_source_);
      terminal_source_.reset();
    }
  }
}

void Session::take_line(const std::string& line) {
  Input input = classify_input(pending_, line);
  if (line.find_first_not_of(" \t") != std::string::npos) editor_.add_history(line);
  switch (input.kind) {
    case InputKind::Blank:
      pending_.clear();
      return;
    case InputKind::Unfinished:
      pending_ = input.text + "\n";
      return;
    case InputKind::Command:
      try {
        run_command(input.text);
      } catch (const UserError& e) {
        err_ << "ovsq: " << e.what() << "\n";
      }
      return;
    case InputKind::Query:
      pending_.clear();
      start_query(input.text, input.background, "<session>", PhaseClock::now_ns());
      return;
  }
}

void Session::start_query(const std::string& text, bool background,
                          const std::string& source_name, uint64_t typed_ns) {
  auto job = std::make_unique<Job>();
  job->text = text;
  job->background = background;
  try {
    frontend::Source source{source_name, text};
    PhaseClock clock(typed_ns);
    runtime::CompiledQuery programs = pipeline_.compile(source, settings_, job->uprobes, &clock);
    if (!settings_.output.empty()) {
      job->file = std::make_unique<std::ofstream>(settings_.output, std::ios::app);
      if (!*job->file) throw_errno("cannot write " + settings_.output, errno);
    }
    std::ostream& rows = job->file ? *job->file : background ? null_stream : out_;
    std::ostream& status = background ? static_cast<std::ostream&>(job->status) : err_;
    job->output = runtime::Output::create(settings_.format, programs.layouts, rows, status);
    runtime::QueryOptions options;
    options.pids = pipeline_.target().pids;
    options.quiet = background;
    options.uprobes = job->uprobes.get();
    job->query = std::make_unique<runtime::Query>(std::move(programs), options, *job->output,
                                                  status);
    job->query->set_muted(background && !job->file);
    job->query->load();
    job->query->begin();
    job->query->attach();
    job->query->add_sources(loop_);
    job->started = std::chrono::steady_clock::now();
    clock.mark("load and attach");
    if (timings_) err_ << "ovsq: timings: " << clock.summary() << "\n";
  } catch (const pipeline::QueryError& e) {
    err_ << e.rendered();
    return;
  } catch (const UserError& e) {
    err_ << "ovsq: " << e.what() << "\n";
    return;
  }
  saved_.push_back(text);
  if (background) {
    Job& added = jobs_.add(std::move(job));
    err_ << "[" << added.number << "] " << first_line_of(added.text) << "\n";
  } else {
    foreground_ = std::move(job);
  }
  err_.flush();
}

std::unique_ptr<runtime::Output> Session::terminal_output(Job& job) {
  return runtime::Output::create(settings_.format, job.query->programs().layouts, out_, err_);
}

void Session::finish_job(Job& job, runtime::Output& output, std::ostream& err) {
  job.query->set_streams(output, err);
  job.query->set_muted(false);
  if (job.end_reason.empty()) job.end_reason = describe_end(job.query->end());
  job.query->finish(loop_);
  job.finished = true;
  job.ended = std::chrono::steady_clock::now();
  output.flush();
  err.flush();
  // An hour-long session stops many queries: each one's BPF object, maps
  // and ring buffer go now, not at the end.
  job.final_stats = job.query->stats();
  job.query.reset();
}

void Session::end_foreground(bool interrupted) {
  if (foreground_job_) {
    Job& job = *foreground_job_;
    foreground_job_ = nullptr;
    if (interrupted && !job.query->done()) {
      // Back to the background, still counting.
      job.background = true;
      job.query->set_streams(*job.output, job.status);
      job.query->set_muted(!job.file);
      job.terminal.reset();
      err_ << "\n[" << job.number << "] back in the background; .stop " << job.number
           << " ends it\n";
      return;
    }
    finish_job(job, *job.terminal, err_);
    err_ << "[" << job.number << "] done (" << job.end_reason << ")\n";
    return;
  }
  if (interrupted) out_ << "\n";
  finish_job(*foreground_, *foreground_->output, err_);
  foreground_.reset();
}

void Session::reap_jobs() {
  for (Job* job : jobs_.jobs()) {
    if (job->finished || job == foreground_job_ || !job->query->done()) continue;
    std::ostringstream tables;
    std::unique_ptr<runtime::Output> output;
    if (!job->file)
      output = runtime::Output::create(settings_.format, job->query->programs().layouts,
                                       tables, job->status);
    finish_job(*job, job->file ? *job->output : *output, job->status);
    status_ += "[" + std::to_string(job->number) + "] done (" + job->end_reason + "): " +
               first_line_of(job->text) + "\n" + prefixed(job->number, job->status.str()) +
               tables.str();
    job->status.str("");
  }
}

void Session::collect_status() {
  for (Job* job : jobs_.jobs()) {
    if (job->finished || job == foreground_job_) continue;
    std::string text = job->status.str();
    if (text.empty()) continue;
    job->status.str("");
    status_ += prefixed(job->number, text);
  }
}

void Session::show_status() {
  if (status_.empty()) return;
  out_.flush();
  err_.flush();
  editor_.print_above(status_);
  status_.clear();
}

}  // namespace ovsq::session
