#include "session/commands.h"

#include <charconv>

#include "frontend/diagnostics.h"
#include "support/error.h"

namespace ovsq::session {

using Arg = CompletionContext::ArgKind;

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = {
      {CommandId::Help, "help", Arg::HelpTopic, ".help [TOPIC]", "this list, or a topic", 0, 1},
      {CommandId::Jobs, "jobs", Arg::None, ".jobs",
       "background queries: time, events, lost events, full maps", 0, 0},
      {CommandId::Show, "show", Arg::Job, ".show N",
       "job N's aggregations as they stand, without resetting them", 1, 1},
      {CommandId::Fg, "fg", Arg::Job, ".fg N",
       "stream job N's rows; Ctrl-C sends it back to the background", 1, 1},
      {CommandId::Stop, "stop", Arg::Job, ".stop N", "detach job N and print its final tables", 1, 1},
      {CommandId::Probes, "probes", Arg::None, ".probes",
       "the vswitchd probes: which the binary has, locations, semaphores", 0, 0},
      {CommandId::Describe, "describe", Arg::Probe, ".describe PROBE",
       "a probe's fields, their C types and enum values", 1, 1},
      {CommandId::Type, "type", Arg::Type, ".type NAME",
       "a struct, union or enum of the binary's DWARF, pahole-style", 1, 1},
      {CommandId::Set, "set", Arg::Setting, ".set [NAME VALUE]",
       "list the settings, or change one for the next queries", 0, 2},
      {CommandId::Save, "save", Arg::File, ".save FILE",
       "write this session's queries that ran as a script", 1, 1},
      {CommandId::Load, "load", Arg::File, ".load FILE", "run a script in the session", 1, 1},
      {CommandId::History, "history", Arg::None, ".history", "the lines typed, numbered", 0, 0},
      {CommandId::Quit, "quit", Arg::None, ".quit", "detach everything and leave (or Ctrl-D)", 0, 0},
  };
  return specs;
}

namespace {

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The first blank-separated word of `text`, removed from it.
std::string_view next_word(std::string_view& text) {
  text = trim(text);
  size_t end = text.find_first_of(" \t");
  std::string_view word = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end);
  return word;
}

}  // namespace

ParsedCommand parse_command(std::string_view line) {
  std::string_view rest = trim(line);
  if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
  std::string_view name = next_word(rest);
  ParsedCommand parsed;
  for (const CommandSpec& spec : command_specs())
    if (name == spec.name) parsed.spec = &spec;
  if (parsed.spec == nullptr) {
    std::vector<std::string> names;
    for (const CommandSpec& spec : command_specs()) names.push_back(spec.name);
    std::string near = frontend::nearest_name(name, names);
    throw UserError("unknown command '." + std::string(name) + "'" +
                    (near.empty() ? "" : "; did you mean '." + near + "'?") +
                    " (.help lists them)");
  }
  const CommandSpec& spec = *parsed.spec;
  bool rest_is_one_word = spec.arg == Arg::File || spec.arg == Arg::Type;
  while (!trim(rest).empty()) {
    if (rest_is_one_word || (spec.arg == Arg::Setting && parsed.args.size() == 1)) {
      parsed.args.emplace_back(trim(rest));  // a path or value with blanks
      break;
    }
    parsed.args.emplace_back(next_word(rest));
  }
  int n = static_cast<int>(parsed.args.size());
  if (n < spec.min_args || (spec.max_args >= 0 && n > spec.max_args))
    throw UserError("usage: " + std::string(spec.usage));
  return parsed;
}

int parse_job_number(std::string_view word) {
  std::string_view digits = word;
  if (!digits.empty() && digits.front() == '%') digits.remove_prefix(1);
  int number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      number <= 0)
    throw UserError("'" + std::string(word) + "' is not a job number (.jobs lists them)");
  return number;
}

std::vector<CompletionContext::Command> completion_commands() {
  std::vector<CompletionContext::Command> commands;
  for (const CommandSpec& spec : command_specs()) commands.push_back({spec.name, spec.arg});
  return commands;
}

}  // namespace ovsq::session
