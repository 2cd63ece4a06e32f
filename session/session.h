#pragma once
// The interactive session: a shell on a live vswitchd.  A front over the
// same pipeline as the one-shot driver (pipeline/pipeline.h): the binary's
// notes and DWARF are read once, each query typed is compiled, loaded and
// attached as a runtime::Query, and every query, the terminal and the
// signals share one EventLoop, so a foreground query streams while
// background jobs keep counting.  docs/interactive.md is the user's view.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/pipeline.h"
#include "runtime/event_loop.h"
#include "runtime/stop_signals.h"
#include "session/input.h"
#include "session/jobs.h"
#include "session/line_editor.h"

namespace ovsq::session {

class Session {
 public:
  // `settings` are the defaults `.set` starts from (the command line's).
  // `timings`: each query says how long it took from Enter to attached.
  Session(pipeline::Pipeline& pipeline, pipeline::QuerySettings settings,
          LineEditor& editor, std::ostream& out, std::ostream& err, bool timings = false);
  ~Session();

  // Until .quit, Ctrl-D, the end of the input or SIGTERM; detaches
  // everything.  Returns the exit status (0).
  int run();

 private:
  // What was typed.
  void take_line(const std::string& line);
  void run_command(const std::string& line);
  // `typed_ns`: when Enter was pressed (PhaseClock), for --timings.
  void start_query(const std::string& text, bool background, const std::string& source_name,
                   uint64_t typed_ns);
  // Dot-commands.
  void help(const std::vector<std::string>& args);
  void list_jobs();
  Job& job_arg(const std::string& word);
  void show(const std::string& word);
  void foreground(const std::string& word);
  void stop(const std::string& word);
  void set(const std::vector<std::string>& args);
  void save(const std::string& path);
  void load(const std::string& path);
  void history();

  // The foreground query ends: Ctrl-C, or done by itself.
  void end_foreground(bool interrupted);
  // Detaches a job and prints its last tables to `output`/`err`.
  void finish_job(Job& job, runtime::Output& output, std::ostream& err);
  // Background jobs that ended by themselves: finished, their tables queued.
  void reap_jobs();
  // Status lines of background jobs, shown between prompts.
  void collect_status();
  void show_status();
  void show_prompt();
  void on_signal();
  void on_terminal();
  std::unique_ptr<runtime::Output> terminal_output(Job& job);
  Completion complete(std::string_view before_cursor);

  pipeline::Pipeline& pipeline_;
  pipeline::QuerySettings settings_;
  LineEditor& editor_;
  std::ostream& out_;
  std::ostream& err_;
  runtime::StopSignals signals_;  // first made, last gone: after every job detached
  runtime::EventLoop loop_;
  bool timings_;
  std::optional<runtime::EventLoop::SourceId> terminal_source_;
  JobTable jobs_;
  std::unique_ptr<Job> foreground_;  // a new query; or
  Job* foreground_job_ = nullptr;    // a background job brought forward (.fg)
  bool interrupted_ = false;
  bool quit_ = false;
  bool prompting_ = false;
  std::string pending_;              // an unfinished program's lines
  std::vector<std::string> lines_;   // read, not yet run
  std::string status_;               // to show between prompts
  std::vector<std::string> saved_;   // queries that ran, for .save
};

}  // namespace ovsq::session
