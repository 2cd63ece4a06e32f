// The session's dot-commands (session/commands.h has the table).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <ostream>
#include <sstream>

#include "session/commands.h"
#include "session/help.h"
#include "session/inspect.h"
#include "session/session.h"
#include "support/error.h"
#include "support/phase_clock.h"

namespace ovsq::session {

void Session::run_command(const std::string& line) {
  ParsedCommand command = parse_command(line);
  const std::vector<std::string>& args = command.args;
  switch (command.spec->id) {
    case CommandId::Quit: quit_ = true; return;
    case CommandId::Help: help(args); return;
    case CommandId::Jobs: list_jobs(); return;
    case CommandId::Show: show(args[0]); return;
    case CommandId::Fg: foreground(args[0]); return;
    case CommandId::Stop: stop(args[0]); return;
    case CommandId::Probes:
      out_ << describe_probes(pipeline_.notes(), pipeline_.target().binary);
      return;
    case CommandId::Describe:
      out_ << describe_probe(args[0], pipeline_.notes(), pipeline_.debug_info(),
                             pipeline_.target().binary);
      return;
    case CommandId::Type: out_ << describe_type(args[0], pipeline_.debug_info()); return;
    case CommandId::Set: set(args); return;
    case CommandId::Save: save(args[0]); return;
    case CommandId::Load: load(args[0]); return;
    case CommandId::History: history(); return;
  }
}

void Session::help(const std::vector<std::string>& args) {
  if (!args.empty()) {
    out_ << help_text(args[0]);
    return;
  }
  out_ << "Type a query to run it in the foreground (Ctrl-C stops it), or end it with\n"
          "'&' to run it in the background.  An unfinished query continues on the\n"
          "next line.  Tab completes probes, fields, members, enum names and commands.\n\n";
  size_t width = 0;
  for (const CommandSpec& spec : command_specs()) width = std::max(width, std::strlen(spec.usage));
  for (const CommandSpec& spec : command_specs())
    out_ << "  " << spec.usage << std::string(width + 2 - std::strlen(spec.usage), ' ')
         << spec.summary << "\n";
  std::vector<std::string> topics = help_topics();
  if (topics.empty()) return;
  out_ << "\nTopics (.help TOPIC):\n";
  width = 0;
  for (const std::string& topic : topics) width = std::max(width, topic.size());
  for (const std::string& topic : topics)
    out_ << "  " << topic << std::string(width + 2 - topic.size(), ' ')
         << help_topic_summary(topic) << "\n";
}

void Session::list_jobs() {
  std::vector<JobRow> rows;
  auto now = std::chrono::steady_clock::now();
  for (Job* job : jobs_.jobs()) {
    JobRow row;
    row.number = job->number;
    row.text = job->text;
    row.state = job->finished ? "done: " + job->end_reason : "running";
    row.seconds = std::chrono::duration<double>((job->finished ? job->ended : now) -
                                                job->started).count();
    row.stats = job->finished ? job->final_stats : job->query->stats();
    rows.push_back(std::move(row));
  }
  out_ << format_jobs(rows);
}

Job& Session::job_arg(const std::string& word) {
  int number = parse_job_number(word);
  Job* job = jobs_.find(number);
  if (job == nullptr)
    throw UserError("no job " + std::to_string(number) +
                    (jobs_.jobs().empty() ? " (there are none)" : " (.jobs lists them)"));
  return *job;
}

void Session::show(const std::string& word) {
  Job& job = job_arg(word);
  if (job.finished)
    throw UserError("job " + std::to_string(job.number) + " has ended (" + job.end_reason +
                    "); its last tables were printed then");
  std::unique_ptr<runtime::Output> output = terminal_output(job);
  if (!job.query->show(*output))
    throw UserError("job " + std::to_string(job.number) + " has no aggregations (.fg " +
                    std::to_string(job.number) + " shows its rows)");
  output->flush();
}

void Session::foreground(const std::string& word) {
  Job& job = job_arg(word);
  if (job.finished)
    throw UserError("job " + std::to_string(job.number) + " has ended (" + job.end_reason + ")");
  job.query->read_pending();  // what came before .fg stays unshown
  job.background = false;
  err_ << "[" << job.number << "] " << first_line_of(job.text) << "; Ctrl-C sends it back\n";
  err_.flush();
  job.terminal = terminal_output(job);
  job.terminal->start();  // the rows' header
  job.terminal->flush();
  job.query->set_streams(*job.terminal, err_);
  job.query->set_muted(false);
  foreground_job_ = &job;
}

void Session::stop(const std::string& word) {
  Job& job = job_arg(word);
  if (job.finished)
    throw UserError("job " + std::to_string(job.number) + " has already ended (" +
                    job.end_reason + ")");
  job.end_reason = "stopped";
  err_ << "[" << job.number << "] stopped: " << first_line_of(job.text) << "\n";
  std::unique_ptr<runtime::Output> output = terminal_output(job);
  finish_job(job, *output, err_);
}

void Session::set(const std::vector<std::string>& args) {
  if (args.empty()) {
    for (const pipeline::SettingSpec& spec : pipeline::setting_specs())
      out_ << spec.name << std::string(15 - std::strlen(spec.name), ' ') << spec.get(settings_)
           << "\n";
    return;
  }
  const pipeline::SettingSpec* spec = pipeline::find_setting(args[0]);
  if (spec == nullptr) {
    std::string near = frontend::nearest_name(args[0], pipeline::setting_names());
    throw UserError("unknown setting '" + args[0] + "'" +
                    (near.empty() ? "" : "; did you mean '" + near + "'?") + " (.set lists them)");
  }
  if (args.size() == 1) {
    out_ << spec->name << " " << spec->get(settings_) << "\n";
    return;
  }
  pipeline::QuerySettings changed = settings_;
  if (std::optional<std::string> why = spec->set(changed, args[1]))
    throw UserError(std::string(spec->name) + " " + *why);
  if (spec->name == std::string("output") && !changed.output.empty()) {
    // Said now rather than at the next query.
    int fd = ::open(changed.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("cannot write " + changed.output, errno);
    ::close(fd);
  }
  settings_ = std::move(changed);
}

void Session::save(const std::string& path) {
  if (saved_.empty()) throw UserError("no query has run in this session yet; nothing to save");
  std::string program;
  for (const std::string& text : saved_) program += text + "\n";
  // One program: two `every`s, say, do not make one; say so before writing.
  try {
    frontend::Source source{path, program};
    pipeline_.check(source, pipeline::parse_query(source, settings_), settings_);
  } catch (const UserError& e) {
    throw UserError("this session's queries do not make one program (" + std::string(e.what()) +
                    "); nothing written");
  }
  std::time_t now = std::time(nullptr);
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&now));
  std::string text = "#!/usr/bin/env ovsq\n# Saved from an ovsq session on " +
                     pipeline_.target().binary + ", " + when + ".\n" + program;
  std::ofstream file(path, std::ios::trunc);
  if (file) file << text;
  if (file) file.close();
  if (!file) throw_errno("cannot write " + path, errno);
  ::chmod(path.c_str(), 0755);  // runs by its shebang
  out_ << "saved " << saved_.size() << (saved_.size() == 1 ? " query" : " queries") << " to "
       << path << "\n";
}

void Session::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw_errno("cannot read " + path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  start_query(text.str(), false, path, PhaseClock::now_ns());
}

void Session::history() {
  std::vector<std::string> entries = editor_.history();
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string number = std::to_string(i + 1);
    out_ << std::string(number.size() < 5 ? 5 - number.size() : 0, ' ') << number << "  "
         << entries[i] << "\n";
  }
}

Completion Session::complete(std::string_view before_cursor) {
  CompletionContext context;
  context.notes = &pipeline_.notes();
  context.debug_info = &pipeline_.debug_info();
  context.commands = completion_commands();
  context.help_topics = help_topics();
  context.settings = pipeline::setting_names();
  for (Job* job : jobs_.jobs())
    if (!job->finished) context.job_numbers.push_back(std::to_string(job->number));
  std::string text = pending_ + std::string(before_cursor);
  Completion completion = session::complete(text, context);
  // Only the current line can be edited.
  if (completion.start < pending_.size()) return {};
  completion.start -= pending_.size();
  return completion;
}

}  // namespace ovsq::session
