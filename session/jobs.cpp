#include "session/jobs.h"

#include <algorithm>
#include <cstdio>

#include "session/text_table.h"

namespace ovsq::session {

std::string describe_end(runtime::QueryEnd end) {
  switch (end) {
    case runtime::QueryEnd::Running: return "running";
    case runtime::QueryEnd::Exit: return "exit";
    case runtime::QueryEnd::Limit: return "limit reached";
    case runtime::QueryEnd::Deadline: return "for elapsed";
    case runtime::QueryEnd::TargetExited: return "the traced process exited";
    case runtime::QueryEnd::OutputClosed: return "output closed";
  }
  return "ended";
}

namespace {

std::string duration_text(double seconds) {
  char text[32];
  if (seconds < 60) std::snprintf(text, sizeof text, "%.1fs", seconds);
  else if (seconds < 3600) std::snprintf(text, sizeof text, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  else std::snprintf(text, sizeof text, "%dh%02dm", int(seconds) / 3600, int(seconds) / 60 % 60);
  return text;
}

constexpr size_t kQueryWidth = 48;

std::string shown_query(const std::string& text) {
  std::string line = first_line_of(text);
  if (line.size() > kQueryWidth) line = line.substr(0, kQueryWidth - 3) + "...";
  return line;
}

}  // namespace

std::string first_line_of(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() + 1 < text.size() ? line + " ..." : line;
}

std::string format_jobs(const std::vector<JobRow>& rows) {
  if (rows.empty()) return "no jobs (a query ending in '&' runs in the background)\n";
  TextTable table;
  for (size_t column = 2; column <= 5; ++column) table.right_align(column);
  table.add_row({"job", "state", "time", "events", "lost", "full", "query"});
  for (const JobRow& row : rows)
    table.add_row({"[" + std::to_string(row.number) + "]", row.state, duration_text(row.seconds),
                   std::to_string(row.stats.events), std::to_string(row.stats.lost),
                   std::to_string(row.stats.map_full_drops), shown_query(row.text)});
  return table.str();
}

Job& JobTable::add(std::unique_ptr<Job> job) {
  int number = 1;
  for (const auto& j : jobs_) number = std::max(number, j->number + 1);
  job->number = number;
  jobs_.push_back(std::move(job));
  return *jobs_.back();
}

Job* JobTable::find(int number) {
  for (const auto& j : jobs_)
    if (j->number == number) return j.get();
  return nullptr;
}

void JobTable::remove(int number) {
  std::erase_if(jobs_, [&](const auto& j) { return j->number == number; });
}

std::vector<Job*> JobTable::jobs() {
  std::vector<Job*> all;
  for (const auto& j : jobs_) all.push_back(j.get());
  return all;
}

}  // namespace ovsq::session
