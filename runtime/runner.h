#pragma once
// Loads a CompiledQuery into the kernel, attaches every uprobe, prints the
// events as they arrive and detaches cleanly.
#include <sys/types.h>

#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/output.h"
#include "runtime/query.h"
#include "runtime/uprobe_events.h"
#include "support/phase_clock.h"

namespace ovsq::runtime {

struct RunOptions : QueryOptions {
  // Set, when given, to why the run ended by itself (Running: a signal).
  QueryEnd* end = nullptr;
};

// Runs until Ctrl-C/SIGINT, SIGTERM, every traced process has exited,
// `exit`, or a run limit (for, limit).  Runs `begin` once attached and
// `end` once detached.  Events, aggregations (at every `every` interval and
// at the end), lost events and full maps go to `output`; status lines
// ("Attached 1 probe (2 uprobes) to PID 1234; Ctrl-C to stop.", "PID 1234
// exited; stopping.") go to `err`.  Returns the process exit
// status: 0 after a signal, 0 when the traced processes exited, and on
// failure throws UserError with a one-line reason (never a raw verifier
// log: that is summarised, and written in full only with OVSQ_VERIFIER_LOG
// set to a file path).  Nothing stays attached when it returns or throws.
int run(const CompiledQuery& programs, const RunOptions& options,
        Output& output, std::ostream& err);

}  // namespace ovsq::runtime
