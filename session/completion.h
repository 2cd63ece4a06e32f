#pragma once
// Tab completion that knows where the cursor is, as a pure function of the
// text before the cursor, so that it is unit-tested without a terminal:
//   on <TAB>, on a, <TAB>         probe names the binary has
//   where/print/by/(...) <TAB>    the clause's fields and the builtins
//   ukey-><TAB>, ukey->stats.<TAB> members from the DWARF
//   key.<TAB>, key.ipv4.<TAB>     flow-key attributes, then their fields
//   reason == FDR_<TAB>           the enum's names, after a comparison with
//                                 an enum field
//   @<TAB>, delete <TAB>          the maps named earlier in the text
//   on x <TAB>, print a <TAB>     the keywords that fit there
//   .<TAB>, .describe <TAB>, ...  dot-commands and their arguments: a line
//                                 whose first non-blank is '.' is one
// A name the binary lacks (a probe without a note, a member its DWARF does
// not have) is never offered, nor one sema would reject there (a field
// not every probe of the clause has, `.` on a pointer, a bit-field).
// Nothing is offered inside a string, a comment or a number.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "probes/debug_info.h"
#include "probes/usdt_notes.h"

namespace ovsq::session {

struct CompletionContext {
  const probes::UsdtNotes* notes = nullptr;
  probes::DebugInfo* debug_info = nullptr;
  // Dot-commands ("quit", "jobs", ...; without the dot) and, for each
  // command that takes one, what its argument is.
  enum class ArgKind { None, Probe, Type, HelpTopic, Setting, File, Job };
  struct Command {
    std::string name;
    ArgKind arg = ArgKind::None;
  };
  std::vector<Command> commands;
  std::vector<std::string> help_topics;
  std::vector<std::string> settings;   // "format", "output", ...
  std::vector<std::string> job_numbers;  // "1", "3"
};

struct Completion {
  // Byte offset in the text where the word being completed starts; the
  // candidates replace text[start, end).
  size_t start = 0;
  std::vector<std::string> candidates;  // sorted, unique
  // The word is a file name (a dot-command's File argument): candidates
  // is empty and the line editor's own file-name completion applies.
  bool filenames = false;
};

// `text` is everything typed so far, earlier lines of an unfinished
// program included, up to the cursor.
Completion complete(std::string_view text, const CompletionContext& context);

}  // namespace ovsq::session
