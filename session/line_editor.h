#pragma once
// What the session needs of a line editor, behind a small interface so
// that the session's logic does not depend on a terminal: the session
// polls fd() on its event loop with everything else (the queries' ring
// buffers, timers, signals) and calls read() when it is readable.
//
// Two editors: libedit's, on a terminal (history, Ctrl-R, completion), and
// a plain one reading lines from a pipe or file (`ovsq -i < script`), which
// shows no prompts.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/completion.h"

namespace ovsq::session {

class LineEditor {
 public:
  enum class Read { Nothing, Line, End };
  // The completion for the text of the current line up to the cursor.
  using Completer = std::function<Completion(std::string_view before_cursor)>;

  virtual ~LineEditor() = default;
  virtual int fd() const = 0;
  // Shows `prompt` and starts a new line.
  virtual void prompt(const std::string& prompt) = 0;
  // fd() is readable: Line with `line` set when a line was finished, End
  // at Ctrl-D on an empty line or the end of the input.
  virtual Read read(std::string& line) = 0;
  // A line already read and waiting, which poll() will not announce (the
  // plain editor reads ahead).
  virtual bool has_buffered_line() const { return false; }
  // Ctrl-C at the prompt: the line being typed is dropped.  prompt()
  // starts the next one.
  virtual void cancel_line() = 0;
  // Leaves the terminal as the session found it, while a query runs in
  // the foreground (Ctrl-C then reaches ovsq as a signal).
  virtual void suspend() = 0;
  // Prints `text` (whole lines) above the line being typed, which is
  // shown again unchanged after it.
  virtual void print_above(const std::string& text) = 0;
  virtual void add_history(const std::string& entry) = 0;
  virtual std::vector<std::string> history() const = 0;  // oldest first
  virtual void set_completer(Completer completer) = 0;
};

// libedit on the terminal of standard input, its history loaded from and
// saved to `history_path` (empty: none kept).
std::unique_ptr<LineEditor> make_terminal_editor(std::string history_path);
// Lines from `fd`, no prompts, no editing.
std::unique_ptr<LineEditor> make_plain_editor(int fd);

// $XDG_STATE_HOME/ovsq/history, else ~/.ovsq_history ("" with neither
// variable set).
std::string default_history_path();

}  // namespace ovsq::session
