#pragma once
// Loading a CompiledQuery's object into the kernel and attaching its
// programs, with libbpf's messages captured so that failures read as one
// line (a verifier rejection is summarised; OVSQ_VERIFIER_LOG=FILE keeps
// the whole log).
#include <bpf/libbpf.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/uprobe_events.h"

namespace ovsq::runtime {

// libbpf prints through one process-wide callback; while a LibbpfCapture
// lives, its warnings go into a buffer (for error messages), not stderr.
// With several alive (nested, or overlapping: one per Query), the newest
// gets the messages; stderr gets them again once none is left.
class LibbpfCapture {
 public:
  LibbpfCapture();
  ~LibbpfCapture();
  LibbpfCapture(const LibbpfCapture&) = delete;
  LibbpfCapture& operator=(const LibbpfCapture&) = delete;

  const std::string& messages() const { return messages_; }
  // " (first thing libbpf complained about)", usually the root cause, or "".
  std::string detail() const;

 private:
  std::string messages_;
};

struct ObjectCloser {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};
struct LinkDestroyer {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
using Object = std::unique_ptr<bpf_object, ObjectCloser>;
using Link = std::unique_ptr<bpf_link, LinkDestroyer>;

// Opens and loads the object, sizing the ring buffer; throws UserError.
Object open_and_load(const CompiledQuery& programs, const LibbpfCapture& capture);

// Attaches every Probe attach point, to each of `pids` (empty: every
// process running the binary), through the events opened for them.
// Throws UserError; what was attached is detached again when the
// exception unwinds.
std::vector<Link> attach_probes(bpf_object* object, const CompiledQuery& programs,
                                const std::vector<pid_t>& pids, UprobeEvents& events);

// Attaches the Begin or End programs to ovsq's own trigger function (see
// fire_trigger).
std::vector<Link> attach_triggers(bpf_object* object, const CompiledQuery& programs,
                                  AttachPoint::Trigger trigger);

// Calls ovsq's trigger function, running the programs attached to it.
void fire_trigger(AttachPoint::Trigger trigger);

std::string libbpf_error_text(int errnum);

}  // namespace ovsq::runtime
