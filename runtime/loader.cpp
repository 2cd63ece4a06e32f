#include "runtime/loader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

#include "support/error.h"

// ovsq's own trigger functions: `begin` and `end` programs are uprobes on
// them, fired by calling them.  noipa keeps each a real, distinct function.
extern "C" {
__attribute__((noipa, used)) void ovsq_begin_trigger() { asm volatile("" ::: "memory"); }
__attribute__((noipa, used)) void ovsq_end_trigger() { asm volatile("nop" ::: "memory"); }
}

namespace ovsq::runtime {
namespace {

// ---- libbpf's messages -----------------------------------------------------
// Debug chatter is dropped.  Several captures can be alive at once (each
// Query keeps one, and each loading phase has its own), and they need not
// end in the order they began: messages go to the newest live one, and
// libbpf's previous callback comes back when the last one ends.

std::vector<std::string*>& live_captures() {
  static std::vector<std::string*> captures;
  return captures;
}
libbpf_print_fn_t g_previous_print = nullptr;

int capture_libbpf_print(enum libbpf_print_level level, const char* format,
                         va_list args) {
  if (level == LIBBPF_DEBUG || live_captures().empty()) return 0;
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string& buf = *live_captures().back();
  size_t old = buf.size();
  buf.resize(old + n + 1);
  std::vsnprintf(buf.data() + old, n + 1, format, args);
  buf.resize(old + n);
  return n;
}

}  // namespace

LibbpfCapture::LibbpfCapture() {
  if (live_captures().empty()) g_previous_print = libbpf_set_print(capture_libbpf_print);
  live_captures().push_back(&messages_);
}

LibbpfCapture::~LibbpfCapture() {
  std::vector<std::string*>& captures = live_captures();
  captures.erase(std::find(captures.begin(), captures.end(), &messages_));
  if (captures.empty()) libbpf_set_print(g_previous_print);
}

std::string LibbpfCapture::detail() const {
  std::string_view s(messages_);
  std::string_view line = s.substr(0, s.find('\n'));
  if (line.starts_with("libbpf: ")) line.remove_prefix(8);
  return line.empty() ? "" : " (" + std::string(line) + ")";
}

namespace {

// ---- loading ---------------------------------------------------------------

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace

// strerror, and libbpf's own codes (LIBBPF_ERRNO__*) too.
std::string libbpf_error_text(int errnum) {
  char buf[128];
  if (libbpf_strerror(errnum, buf, sizeof buf) != 0) return std::strerror(errnum);
  return buf;
}

namespace {

std::string probe_of_program(const CompiledQuery& programs,
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
                                   const CompiledQuery& programs) {
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

}  // namespace

Object open_and_load(const CompiledQuery& programs, const LibbpfCapture& capture) {
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

std::vector<Link> attach_probes(bpf_object* object, const CompiledQuery& programs,
                                const std::vector<pid_t>& pids, UprobeEvents& events) {
  std::vector<pid_t> targets = pids;
  if (targets.empty()) targets.push_back(-1);  // every process
  std::vector<Link> links;
  for (const AttachPoint& ap : programs.attach_points) {
    if (ap.trigger != AttachPoint::Trigger::Probe) continue;
    bpf_program* prog =
        bpf_object__find_program_by_name(object, ap.program.c_str());
    if (prog == nullptr)
      throw UserError("internal error: the BPF object has no program '" +
                      ap.program + "' for " + ap.probe);
    for (pid_t pid : targets) {
      int fd = events.take({ap.file_offset, ap.semaphore_file_offset}, pid);
      bpf_link* link = nullptr;
      int e = -fd;
      if (fd >= 0) {
        link = bpf_program__attach_perf_event(prog, fd);  // owns fd on success
        e = errno;
        if (link == nullptr) ::close(fd);
      }
      if (link == nullptr) {
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


std::vector<Link> attach_triggers(bpf_object* object, const CompiledQuery& programs,
                                  AttachPoint::Trigger trigger) {
  std::vector<Link> links;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw_errno("cannot find ovsq's own executable", errno);
  self[n] = '\0';
  for (const AttachPoint& ap : programs.attach_points) {
    if (ap.trigger != trigger) continue;
    bpf_program* prog = bpf_object__find_program_by_name(object, ap.program.c_str());
    if (prog == nullptr)
      throw UserError("internal error: the BPF object has no program '" + ap.program + "'");
    LIBBPF_OPTS(bpf_uprobe_opts, opts,
                .func_name = trigger == AttachPoint::Trigger::Begin ? kBeginTrigger
                                                                    : kEndTrigger);
    bpf_link* link = bpf_program__attach_uprobe_opts(prog, ::getpid(), self, 0, &opts);
    if (link == nullptr)
      throw UserError("cannot attach the '" + ap.probe + "' clause to " +
                      std::string(self) + ": " + std::strerror(errno));
    links.emplace_back(link);
  }
  return links;
}

void fire_trigger(AttachPoint::Trigger trigger) {
  if (trigger == AttachPoint::Trigger::Begin) ovsq_begin_trigger();
  else ovsq_end_trigger();
}

}  // namespace ovsq::runtime
