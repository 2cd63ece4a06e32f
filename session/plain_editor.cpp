// Lines from a pipe or a file (`ovsq -i < commands`): no prompts, no
// editing, history kept only for `.history`.
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "session/line_editor.h"

namespace ovsq::session {
namespace {

class PlainEditor : public LineEditor {
 public:
  explicit PlainEditor(int fd) : fd_(fd) {}

  int fd() const override { return fd_; }
  void prompt(const std::string&) override {}

  Read read(std::string& line) override {
    if (take_line(line)) return Read::Line;
    char chunk[4096];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Read::Nothing;
    if (n <= 0) {
      if (buffer_.empty()) return Read::End;
      line.swap(buffer_);  // a last line without its newline
      buffer_.clear();
      return Read::Line;
    }
    buffer_.append(chunk, size_t(n));
    return take_line(line) ? Read::Line : Read::Nothing;
  }

  bool has_buffered_line() const override { return buffer_.find('\n') != std::string::npos; }

  void cancel_line() override {}
  void suspend() override {}
  void print_above(const std::string& text) override { std::cout << text << std::flush; }
  void add_history(const std::string& entry) override { history_.push_back(entry); }
  std::vector<std::string> history() const override { return history_; }
  void set_completer(Completer) override {}

 private:
  bool take_line(std::string& line) {
    size_t newline = buffer_.find('\n');
    if (newline == std::string::npos) return false;
    line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    return true;
  }

  int fd_;
  std::string buffer_;
  std::vector<std::string> history_;
};

}  // namespace

std::unique_ptr<LineEditor> make_plain_editor(int fd) {
  return std::make_unique<PlainEditor>(fd);
}

}  // namespace ovsq::session
