#include "runtime/runner.h"

#include <bpf/libbpf.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/event_printer.h"
#include "runtime/process.h"
#include "support/error.h"

namespace ovsq::runtime {
namespace {

constexpr int kBatchIntervalMs = 10;  // pause between two batches
constexpr int kLivenessPollMs = 200;  // without pidfds: /proc polling rate
constexpr unsigned kMaxBatch = 4096;  // most rows in one batch

// ---- libbpf's messages -----------------------------------------------------
// libbpf prints through one process-wide callback.  While run() is active
// its warnings and info go into a buffer (for error messages) instead of
// stderr; debug chatter is dropped.

std::string* g_libbpf_messages = nullptr;

int capture_libbpf_print(enum libbpf_print_level level, const char* format,
                         va_list args) {
  if (level == LIBBPF_DEBUG || g_libbpf_messages == nullptr) return 0;
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string& buf = *g_libbpf_messages;
  size_t old = buf.size();
  buf.resize(old + n + 1);
  std::vsnprintf(buf.data() + old, n + 1, format, args);
  buf.resize(old + n);
  return n;
}

class LibbpfCapture {
 public:
  LibbpfCapture() {
    g_libbpf_messages = &messages_;
    previous_ = libbpf_set_print(capture_libbpf_print);
  }
  ~LibbpfCapture() {
    libbpf_set_print(previous_);
    g_libbpf_messages = nullptr;
  }
  LibbpfCapture(const LibbpfCapture&) = delete;
  LibbpfCapture& operator=(const LibbpfCapture&) = delete;

  const std::string& messages() const { return messages_; }

  // " (first thing libbpf complained about)", usually the root cause, or "".
  std::string detail() const {
    std::string_view s(messages_);
    std::string_view line = s.substr(0, s.find('\n'));
    if (line.starts_with("libbpf: ")) line.remove_prefix(8);
    return line.empty() ? "" : " (" + std::string(line) + ")";
  }

 private:
  std::string messages_;
  libbpf_print_fn_t previous_ = nullptr;
};

// ---- RAII for libbpf objects and fds ---------------------------------------

struct ObjectCloser {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};
struct LinkDestroyer {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
struct RingBufferFreer {
  void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};
using Object = std::unique_ptr<bpf_object, ObjectCloser>;
using Link = std::unique_ptr<bpf_link, LinkDestroyer>;
using RingBuffer = std::unique_ptr<ring_buffer, RingBufferFreer>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Blocks SIGINT and SIGTERM for the duration of run(), so they arrive
// through a signalfd and every exit path detaches.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_, previous_;
};

// ---- loading ---------------------------------------------------------------

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

// strerror, and libbpf's own codes (LIBBPF_ERRNO__*) too.
std::string libbpf_error_text(int errnum) {
  char buf[128];
  if (libbpf_strerror(errnum, buf, sizeof buf) != 0) return std::strerror(errnum);
  return buf;
}

std::string probe_of_program(const BpfProgramSet& programs,
                             std::string_view program) {
  for (const AttachPoint& ap : programs.attach_points)
    if (ap.program == program) return ap.probe;
  return std::string(program);
}

// libbpf prints a rejected program's verifier log as
//   libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG --\n<log>-- END PROG LOAD LOG --
struct VerifierLog {
  std::string program;
  std::string log;
};

std::optional<VerifierLog> find_verifier_log(const std::string& messages) {
  constexpr std::string_view kBegin = "-- BEGIN PROG LOAD LOG --\n";
  constexpr std::string_view kEnd = "-- END PROG LOAD LOG --";
  size_t begin = messages.rfind(kBegin);
  if (begin == std::string::npos) return std::nullopt;
  size_t line = messages.rfind('\n', begin);
  line = line == std::string::npos ? 0 : line + 1;
  VerifierLog result;
  size_t name = messages.find("prog '", line);
  if (name < begin) {
    name += 6;
    result.program = messages.substr(name, messages.find('\'', name) - name);
  }
  size_t start = begin + kBegin.size();
  size_t end = messages.find(kEnd, start);
  result.log = messages.substr(start, end == std::string::npos ? end : end - start);
  return result;
}

// The kernel ends a rejection log with the reason, then statistics.
std::string summarize_verifier_log(std::string_view log) {
  constexpr std::string_view kStatistics[] = {
      "processed ", "verification time", "stack depth", "max_states_per_insn"};
  while (!log.empty()) {
    size_t nl = log.find_last_of('\n', log.size() - 1);
    std::string_view line =
        nl == std::string_view::npos ? log : log.substr(nl + 1);
    log = nl == std::string_view::npos ? std::string_view() : log.substr(0, nl);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    bool statistics = false;
    for (std::string_view s : kStatistics) statistics |= line.starts_with(s);
    if (!line.empty() && !statistics) return std::string(line);
  }
  return "no reason given";
}

[[noreturn]] void throw_load_error(int errnum, const LibbpfCapture& capture,
                                   const BpfProgramSet& programs) {
  if (std::optional<VerifierLog> v = find_verifier_log(capture.messages())) {
    std::string message =
        "the kernel's BPF verifier rejected the program for " +
        probe_of_program(programs, v->program) + ": " +
        summarize_verifier_log(v->log);
    const char* path = std::getenv("OVSQ_VERIFIER_LOG");
    if (path != nullptr && *path != '\0') {
      std::ofstream file(path);
      file << v->log;
      file.close();
      message += file ? std::string(" (full log in ") + path + ")"
                      : std::string(" (cannot write the full log to ") + path + ")";
    } else {
      message += " (set OVSQ_VERIFIER_LOG=FILE to save the full log)";
    }
    throw UserError(message);
  }
  if (errnum == EPERM || errnum == EACCES)
    throw UserError("permission denied loading BPF programs: run ovsq as "
                    "root (or with CAP_SYS_ADMIN)");
  throw UserError("cannot load the BPF programs into the kernel: " +
                  libbpf_error_text(errnum) + capture.detail());
}

// A ring buffer's size must be a power-of-two multiple of the page size.
uint32_t ring_buffer_size(uint32_t requested) {
  uint32_t size = static_cast<uint32_t>(::sysconf(_SC_PAGESIZE));
  while (size < requested && size < (1u << 31)) size <<= 1;
  return size;
}

Object open_and_load(const BpfProgramSet& programs, const LibbpfCapture& capture) {
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "ovsq");
  Object object(bpf_object__open_mem(programs.object.data(),
                                     programs.object.size(), &open_opts));
  if (!object) {
    int e = errno;
    throw UserError("cannot open the generated BPF object: " +
                    libbpf_error_text(e) + capture.detail());
  }
  bpf_map* events = bpf_object__find_map_by_name(object.get(), kEventsMap);
  if (events == nullptr)
    throw UserError(std::string("internal error: the BPF object has no '") +
                    kEventsMap + "' map");
  if (programs.ringbuf_bytes != 0)
    bpf_map__set_max_entries(events, ring_buffer_size(programs.ringbuf_bytes));
  int err = bpf_object__load(object.get());
  if (err != 0) throw_load_error(-err, capture, programs);
  return object;
}

// ---- attaching -------------------------------------------------------------

std::vector<Link> attach_all(bpf_object* object, const BpfProgramSet& programs,
                             const std::vector<pid_t>& pids) {
  std::vector<pid_t> targets = pids;
  if (targets.empty()) targets.push_back(-1);  // every process
  std::vector<Link> links;
  for (const AttachPoint& ap : programs.attach_points) {
    bpf_program* prog =
        bpf_object__find_program_by_name(object, ap.program.c_str());
    if (prog == nullptr)
      throw UserError("internal error: the BPF object has no program '" +
                      ap.program + "' for " + ap.probe);
    for (pid_t pid : targets) {
      LIBBPF_OPTS(bpf_uprobe_opts, opts,
                  .ref_ctr_offset = ap.semaphore_file_offset);
      bpf_link* link = bpf_program__attach_uprobe_opts(
          prog, pid, programs.binary.c_str(), ap.file_offset, &opts);
      if (link == nullptr) {
        int e = errno;
        // CAP_BPF and CAP_PERFMON load the programs, but the kernel's
        // uprobe PMU wants CAP_SYS_ADMIN.
        if (e == EPERM || e == EACCES)
          throw UserError("permission denied attaching uprobes to " +
                          programs.binary +
                          ": run ovsq as root (or with CAP_SYS_ADMIN)");
        std::string who = pid < 0 ? "" : " (PID " + std::to_string(pid) + ")";
        throw UserError("cannot attach to " + ap.probe + " at " +
                        hex(ap.file_offset) + " in " + programs.binary + who +
                        ": " + std::strerror(e));
      }
      links.emplace_back(link);
    }
  }
  return links;
}

std::string status_line(const BpfProgramSet& programs, const RunOptions& options,
                        size_t uprobes) {
  std::set<std::string> probes;
  for (const AttachPoint& ap : programs.attach_points) probes.insert(ap.probe);
  std::string line = "Attached " + std::to_string(probes.size()) +
                     (probes.size() == 1 ? " probe (" : " probes (") +
                     std::to_string(uprobes) +
                     (uprobes == 1 ? " uprobe) to " : " uprobes) to ");
  if (options.pids.empty()) {
    line += "every process running " + programs.binary;
  } else {
    line += options.pids.size() == 1 ? "PID " : "PIDs ";
    for (size_t i = 0; i < options.pids.size(); ++i)
      line += (i ? ", " : "") + std::to_string(options.pids[i]);
  }
  return line + "; Ctrl-C to stop.";
}

// ---- consuming -------------------------------------------------------------

struct Consumer {
  EventPrinter printer;
  std::ostream& out;
  unsigned rows = 0;  // in this batch
  uint64_t malformed = 0;
  std::exception_ptr error;
};

// Returns < 0 to end the batch after kMaxBatch rows (libbpf has consumed
// the record by then), so that a fast producer cannot keep us from
// flushing and from seeing Ctrl-C.
int on_event(void* ctx, void* data, size_t size) {
  auto* c = static_cast<Consumer*>(ctx);
  try {
    if (!c->printer.print_event(
            {static_cast<const uint8_t*>(data), size}, c->out))
      ++c->malformed;
  } catch (...) {
    c->error = std::current_exception();
    return -ECANCELED;
  }
  return ++c->rows >= kMaxBatch ? -EAGAIN : 0;
}

// Consumes one batch and flushes; true when the ring buffer was emptied.
bool consume_batch(ring_buffer* rb, Consumer& consumer) {
  consumer.rows = 0;
  int n = ring_buffer__consume(rb);
  if (consumer.error) std::rethrow_exception(consumer.error);
  if (consumer.rows > 0) consumer.out.flush();
  return n >= 0;
}

// Events are read in batches, not one wakeup per event: after a batch that
// emptied the ring buffer, the loop leaves the ring alone for
// kBatchIntervalMs -- unless, at the rate events have been arriving, that
// pause could fill half the ring buffer and lose events.  The rate is the
// peak one, decaying over about a second, since one batch's rate is noisy.
class BatchPacer {
 public:
  BatchPacer(const BpfProgramSet& programs, uint32_t ring_bytes) {
    uint32_t largest = 8;
    for (const EventLayout& layout : programs.layouts)
      largest = std::max(largest, layout.size);
    // Each record has an 8-byte header and is padded to 8 bytes.
    capacity_ = ring_bytes / (8.0 + (largest + 7) / 8 * 8);
  }

  bool pause_after(unsigned rows, bool drained) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    rate_ = std::max(rows / std::max(seconds, 1e-6),
                     rate_ * std::exp(-seconds));
    double arriving = rate_ * kBatchIntervalMs / 1000;
    return drained && rows > 0 && 2 * arriving < capacity_;
  }

 private:
  double capacity_;     // events the ring buffer holds
  double rate_ = 0;     // events per second
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

uint64_t read_lost(bpf_object* object) {
  bpf_map* map = bpf_object__find_map_by_name(object, kLostMap);
  int ncpus = libbpf_num_possible_cpus();
  if (map == nullptr || ncpus <= 0) return 0;
  std::vector<uint64_t> values(ncpus);
  uint32_t key = 0;
  if (bpf_map__lookup_elem(map, &key, sizeof key, values.data(),
                           values.size() * sizeof(uint64_t), 0) != 0)
    return 0;
  uint64_t sum = 0;
  for (uint64_t v : values) sum += v;
  return sum;
}

// A traced PID, watched through a pidfd, or by polling process_alive()
// where pidfd_open is unavailable (kernels before 5.3).
struct Watched {
  pid_t pid;
  Fd pidfd;
  size_t slot;  // in the pollfd array; unused without a pidfd
  bool exited = false;
};

Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  return Fd();
#endif
}

}  // namespace

int run(const BpfProgramSet& programs, const RunOptions& options,
        std::ostream& out, std::ostream& err) {
  SignalBlock signals;
  LibbpfCapture capture;

  Object object = open_and_load(programs, capture);
  std::vector<Link> links = attach_all(object.get(), programs, options.pids);

  Consumer consumer{EventPrinter(programs.layouts), out, 0, 0, nullptr};
  bpf_map* events = bpf_object__find_map_by_name(object.get(), kEventsMap);
  BatchPacer pacer(programs, bpf_map__max_entries(events));
  RingBuffer rb(
      ring_buffer__new(bpf_map__fd(events), on_event, &consumer, nullptr));
  if (!rb) throw_errno("cannot read the BPF ring buffer", errno);
  Fd sigfd(::signalfd(-1, &signals.set(), SFD_CLOEXEC | SFD_NONBLOCK));
  if (sigfd.get() < 0) throw_errno("cannot create a signalfd", errno);

  // Slot 0: the ring buffer; 1: signals; then one per pidfd.
  std::vector<pollfd> fds = {{ring_buffer__epoll_fd(rb.get()), POLLIN, 0},
                             {sigfd.get(), POLLIN, 0}};
  std::vector<Watched> watched;
  bool polling_liveness = false;
  for (pid_t pid : options.pids) {
    Watched w{pid, open_pidfd(pid), 0};
    if (w.pidfd.get() >= 0) {
      w.slot = fds.size();
      fds.push_back({w.pidfd.get(), POLLIN, 0});
    } else if (errno == ESRCH) {
      w.exited = !process_alive(pid);
    } else {
      polling_liveness = true;
    }
    watched.push_back(std::move(w));
  }

  if (!options.quiet)
    err << status_line(programs, options, links.size()) << '\n';
  consumer.printer.print_header(out);
  out.flush();
  err.flush();

  bool pause = false;  // leave the ring buffer alone in this poll
  bool stop = false;
  size_t alive = watched.size();
  for (Watched& w : watched) alive -= w.exited;  // died before we watched
  if (!watched.empty() && alive == 0) {
    err << "PID " << watched.back().pid << " exited; stopping.\n";
    stop = true;
  }
  while (!stop) {
    int timeout = polling_liveness ? kLivenessPollMs : -1;
    if (pause) timeout = kBatchIntervalMs;
    size_t skip = pause ? 1 : 0;  // the ring buffer's slot
    int n = ::poll(fds.data() + skip, fds.size() - skip, timeout);
    if (n < 0 && errno != EINTR) throw_errno("poll", errno);

    bool drained = consume_batch(rb.get(), consumer);
    pause = pacer.pause_after(consumer.rows, drained);
    if (!out) break;  // the reader went away (e.g. `| head`)

    if (n > 0 && (fds[1].revents & POLLIN)) {
      signalfd_siginfo info;
      if (::read(sigfd.get(), &info, sizeof info) == sizeof info) break;
    }
    for (Watched& w : watched) {
      if (w.exited) continue;
      w.exited = w.pidfd.get() >= 0 ? n > 0 && (fds[w.slot].revents & POLLIN)
                                    : !process_alive(w.pid);
      if (!w.exited) continue;
      if (w.pidfd.get() >= 0) fds[w.slot].fd = -1;  // poll ignores it now
      err << "PID " << w.pid << (--alive == 0 ? " exited; stopping.\n" : " exited.\n");
      err.flush();
      stop = alive == 0;
    }
  }

  // Detach first so that draining ends, then read what is left.
  links.clear();
  while (!consume_batch(rb.get(), consumer) && out) {
  }
  out.flush();
  if (uint64_t lost = read_lost(object.get()))
    err << "Lost " << lost << (lost == 1 ? " event" : " events")
        << " (ring buffer full).\n";
  if (consumer.malformed > 0)
    err << "Ignored " << consumer.malformed
        << (consumer.malformed == 1 ? " malformed event.\n" : " malformed events.\n");
  err.flush();
  return 0;
}

}  // namespace ovsq::runtime
