#pragma once
// The session's dot-commands, one table row each: name, argument, usage
// and summary.  `.help` lists the table, completion offers its names and
// argument kinds, and the session dispatches on the row found here.
#include <string>
#include <string_view>
#include <vector>

#include "session/completion.h"

namespace ovsq::session {

enum class CommandId {
  Quit, Help, Jobs, Show, Fg, Stop, Probes, Describe, Type, Set, Save, Load, History,
};

struct CommandSpec {
  CommandId id;
  const char* name;   // without the dot
  CompletionContext::ArgKind arg;
  const char* usage;  // ".show N"
  const char* summary;
  int min_args, max_args;  // max -1: any number
};

const std::vector<CommandSpec>& command_specs();

// A line starting with '.', taken apart: the command and its words.
struct ParsedCommand {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;
};

// Throws UserError for an unknown command (with a did-you-mean) or a
// wrong number of arguments (with the usage).  Words are separated by
// blanks; the rest of the line after the command's last argument is one
// word for commands taking a file or a type name ("struct udpif_key").
ParsedCommand parse_command(std::string_view line);

// Parses a job number ("1", "%1"); throws UserError otherwise.
int parse_job_number(std::string_view word);

// The completion table: every command with its argument kind.
std::vector<CompletionContext::Command> completion_commands();

}  // namespace ovsq::session
