#pragma once
// The session's queries: the one in the foreground and the background
// jobs (`QUERY &`), numbered as a shell numbers them, each a
// runtime::Query with its own maps, ring buffer, Output and streams.
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/output.h"
#include "runtime/query.h"
#include "runtime/uprobe_events.h"

namespace ovsq::session {

struct Job {
  int number = 0;           // 0: a foreground query that never went to the background
  std::string text;         // as typed, without the '&'
  std::unique_ptr<runtime::UprobeEvents> uprobes;
  std::unique_ptr<std::ofstream> file;        // `.set output FILE`, else rows go to the terminal
  std::unique_ptr<runtime::Output> output;    // where rows go in the background
  std::unique_ptr<runtime::Output> terminal;  // while brought forward by .fg
  std::ostringstream status;                  // status lines while in the background
  std::unique_ptr<runtime::Query> query;  // null once finished: its maps freed
  runtime::QueryStats final_stats;        // what `.jobs` shows once finished
  bool background = false;
  bool finished = false;
  std::string end_reason;   // "for 10s elapsed", "stopped", ...
  std::chrono::steady_clock::time_point started, ended;
};

// The first line of a query, with " ..." when it has more.
std::string first_line_of(const std::string& text);

// One line of `.jobs`.
struct JobRow {
  int number = 0;
  std::string text;
  std::string state;  // "running", "done: for elapsed", "stopped"
  double seconds = 0;
  runtime::QueryStats stats;
};

// `.jobs`: aligned columns job, state, time, events, lost, full, query (the
// query's first line, cut to fit).
std::string format_jobs(const std::vector<JobRow>& rows);

// What a finished query's end means to a person: "exit", "limit reached",
// "for elapsed", "the traced process exited", "output closed".
std::string describe_end(runtime::QueryEnd end);

class JobTable {
 public:
  // Numbers the job (the lowest number above every job still listed) and
  // keeps it.
  Job& add(std::unique_ptr<Job> job);
  Job* find(int number);
  void remove(int number);
  std::vector<Job*> jobs();

 private:
  std::vector<std::unique_ptr<Job>> jobs_;
};

}  // namespace ovsq::session
