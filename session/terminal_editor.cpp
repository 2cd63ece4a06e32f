// The terminal's line editor: libedit's native API in unbuffered mode, so
// that the session reads one keystroke at a time when its event loop says
// the terminal is readable, and background work goes on between
// keystrokes.  (libedit's readline emulation prints a fresh prompt when
// its callback returns, before the session could run the line.)
#include <histedit.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/ioctl.h>

#include "session/line_editor.h"

namespace ovsq::session {
namespace {

constexpr int kHistorySize = 1000;

class TerminalEditor : public LineEditor {
 public:
  explicit TerminalEditor(std::string history_path) : history_path_(std::move(history_path)) {
    history_ = ::history_init();
    HistEvent event;
    ::history(history_, &event, H_SETSIZE, kHistorySize);
    ::history(history_, &event, H_SETUNIQUE, 1);
    if (!history_path_.empty()) {
      std::error_code ignored;  // no history kept is no reason to fail
      std::filesystem::create_directories(std::filesystem::path(history_path_).parent_path(),
                                          ignored);
      ::history(history_, &event, H_LOAD, history_path_.c_str());
    }

    el_ = ::el_init("ovsq", stdin, stdout, stderr);
    ::el_set(el_, EL_CLIENTDATA, this);
    ::el_set(el_, EL_EDITOR, "emacs");
    ::el_set(el_, EL_PROMPT, &TerminalEditor::prompt_of);
    ::el_set(el_, EL_HIST, ::history, history_);
    // SIGINT and SIGTERM are blocked and read from a signalfd by the
    // session; libedit keeps only SIGWINCH and friends.
    ::el_set(el_, EL_SIGNAL, 1);
    // el_wset, not el_set: libedit's el_set(EL_ADDFN) copies the name and
    // help into wide strings it never frees (LeakSanitizer reports the 120
    // bytes); el_wset keeps these static ones as they are.
    ::el_wset(el_, EL_ADDFN, L"ovsq-complete", L"complete a name", &TerminalEditor::on_tab);
    ::el_set(el_, EL_BIND, "^I", "ovsq-complete", nullptr);
    ::el_set(el_, EL_BIND, "^R", "em-inc-search-prev", nullptr);
    ::el_source(el_, nullptr);  // ~/.editrc, as every libedit program
  }

  ~TerminalEditor() override {
    suspend();
    ::el_end(el_);
    ::history_end(history_);
  }

  int fd() const override { return STDIN_FILENO; }

  void prompt(const std::string& prompt) override {
    prompt_ = prompt;
    if (active_) return;
    active_ = true;
    ::el_set(el_, EL_UNBUFFERED, 1);  // raw mode; shows the prompt
  }

  Read read(std::string& line) override {
    if (!active_) return Read::Nothing;
    int count = 0;
    const char* buffer = ::el_gets(el_, &count);
    if (buffer == nullptr || count <= 0) {
      if (buffer == nullptr && at_end_of_file()) {
        suspend();
        return Read::End;
      }
      return Read::Nothing;
    }
    if (count == 1 && buffer[0] == 4) {  // ^D on its own
      suspend();
      std::fputs("\n", stdout);
      return Read::End;
    }
    if (buffer[count - 1] != '\n' && buffer[count - 1] != '\r') return Read::Nothing;
    line.assign(buffer, size_t(count - 1));
    suspend();
    return Read::Line;
  }

  void cancel_line() override {
    if (!active_) return;
    std::fputs("^C\n", stdout);
    suspend();
    ::el_reset(el_);  // drops what was typed
  }

  void suspend() override {
    if (!active_) return;
    active_ = false;
    ::el_set(el_, EL_UNBUFFERED, 0);  // cooked mode again
    std::fflush(stdout);
  }

  void print_above(const std::string& text) override {
    if (!active_) {
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
      return;
    }
    std::fputs("\r\033[K", stdout);  // the prompt's line, cleared
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    ::el_set(el_, EL_REFRESH);  // prompt and line again
  }

  void add_history(const std::string& entry) override {
    HistEvent event;
    ::history(history_, &event, H_ENTER, entry.c_str());
    // Saved at once, so that a session killed later keeps it.
    if (!history_path_.empty()) ::history(history_, &event, H_SAVE, history_path_.c_str());
  }

  std::vector<std::string> history() const override {
    std::vector<std::string> entries;
    HistEvent event;
    // libedit keeps the newest first: from the last (oldest) back up.
    for (int r = ::history(history_, &event, H_LAST); r != -1;
         r = ::history(history_, &event, H_PREV))
      entries.emplace_back(event.str);
    return entries;
  }

  void set_completer(Completer completer) override { completer_ = std::move(completer); }

 private:
  static const char* prompt_of(EditLine* el) { return self(el)->prompt_.c_str(); }

  static TerminalEditor* self(EditLine* el) {
    void* data = nullptr;
    ::el_get(el, EL_CLIENTDATA, &data);
    return static_cast<TerminalEditor*>(data);
  }

  // el_gets returns nothing both for "no line yet" and at the end of the
  // input; the end is a terminal that hung up.
  bool at_end_of_file() const {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) != 0;
  }

  static unsigned char on_tab(EditLine* el, int) { return self(el)->complete(); }

  unsigned char complete();

  EditLine* el_ = nullptr;
  History* history_ = nullptr;
  std::string history_path_;
  std::string prompt_;
  bool active_ = false;
  Completer completer_;
};

// The paths that complete `typed`; directories end in '/'.
std::vector<std::string> file_names(const std::string& typed) {
  size_t slash = typed.rfind('/');
  std::string dir = slash == std::string::npos ? "" : typed.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? typed : typed.substr(slash + 1);
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.compare(0, base.size(), base) != 0 || (base.empty() && name[0] == '.')) continue;
    names.push_back(dir + name + (entry.is_directory(error) ? "/" : ""));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Tab: one candidate is inserted with a blank after it; several insert
// what they have in common, or, when that adds nothing, are listed under
// the line.
unsigned char TerminalEditor::complete() {
  if (!completer_) return CC_ERROR;
  const LineInfo* info = ::el_line(el_);
  std::string before(info->buffer, info->cursor);
  Completion completion = completer_(before);
  if (completion.filenames) completion.candidates = file_names(before.substr(completion.start));
  if (completion.candidates.empty() || completion.start > before.size()) return CC_ERROR;
  std::string typed = before.substr(completion.start);
  const std::vector<std::string>& candidates = completion.candidates;
  std::string common = candidates.front();
  for (const std::string& c : candidates) {
    size_t n = 0;
    while (n < common.size() && n < c.size() && common[n] == c[n]) ++n;
    common.resize(n);
  }
  if (common.size() > typed.size() && common.compare(0, typed.size(), typed) == 0) {
    std::string insert = common.substr(typed.size());
    if (candidates.size() == 1 && common.back() != '/') insert += ' ';
    ::el_insertstr(el_, insert.c_str());
    return CC_REFRESH;
  }
  if (candidates.size() == 1) return CC_REFRESH;
  // Listed in columns as wide as the longest, as many as fit 80 columns.
  size_t width = 0;
  for (const std::string& c : candidates) width = std::max(width, c.size());
  width += 2;
  size_t columns = std::max<size_t>(1, 80 / width);
  std::string text = "\n";
  for (size_t i = 0; i < candidates.size(); ++i) {
    text += candidates[i];
    bool last_in_row = (i + 1) % columns == 0 || i + 1 == candidates.size();
    text += last_in_row ? "\n" : std::string(width - candidates[i].size(), ' ');
  }
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

}  // namespace

std::unique_ptr<LineEditor> make_terminal_editor(std::string history_path) {
  return std::make_unique<TerminalEditor>(std::move(history_path));
}

std::string default_history_path() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/ovsq/history";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.ovsq_history";
  return {};
}

}  // namespace ovsq::session
