#include "session/jobs.h"

#include <algorithm>
#include <cstdio>

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
  std::vector<std::vector<std::string>> table = {
      {"job", "state", "time", "events", "lost", "full", "query"}};
  for (const JobRow& row : rows)
    table.push_back({"[" + std::to_string(row.number) + "]", row.state,
                     duration_text(row.seconds), std::to_string(row.stats.events),
                     std::to_string(row.stats.lost), std::to_string(row.stats.map_full_drops),
                     shown_query(row.text)});
  std::vector<size_t> widths(table.front().size(), 0);
  for (const auto& cells : table)
    for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
  std::string text;
  for (const auto& cells : table) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      bool numeric = i >= 2 && i <= 5;  // right-aligned
      std::string pad(widths[i] - cells[i].size(), ' ');
      if (i) line += "  ";
      line += numeric ? pad + cells[i] : cells[i] + (i + 1 < cells.size() ? pad : "");
    }
    text += line + "\n";
  }
  return text;
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
