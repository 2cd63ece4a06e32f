#pragma once
// One compiled query in the kernel: its BPF object, its links, its ring
// buffer consumer, its timers and its output.  The one-shot driver
// (runtime/runner.h), the interactive session (session/) and later the
// metrics exporter each start and stop queries through this class; several
// can live at once, each with its own maps, ring buffer and Output, on one
// EventLoop.
//
// Phases, in order: load() (verifier), begin() (the `begin` clause),
// attach() (the uprobes; prints "Attached ..."), add_sources() (the ring
// buffer, report and `every` timer, `for` deadline and the traced PIDs'
// pidfds join the loop), then the loop runs until done(), then finish()
// (detach, drain, `end`, last tables, lost events, full maps).  Every
// phase throws UserError with a one-line reason (never a raw verifier
// log); nothing stays attached when a Query is destroyed.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/event_loop.h"
#include "runtime/output.h"
#include "runtime/uprobe_events.h"
#include "support/phase_clock.h"

namespace ovsq::runtime {

struct QueryOptions {
  // Processes to trace.  Empty: every process running the binary (a
  // uprobe with pid -1), now and later.
  std::vector<pid_t> pids;
  bool quiet = false;  // no "Attached ..." line
  // --timings: marks load, attach and the first event, then prints the
  // summary to `err` once the first event is out (or at the end).
  PhaseClock* clock = nullptr;
  // The uprobe events, opened early (see UprobeEvents); null: each is
  // opened when it is attached.
  UprobeEvents* uprobes = nullptr;
  // The traced vswitchd is followed across restarts (--follow): when it
  // exits the status line says "PID 1234 exited; waiting for the next
  // ovs-vswitchd." (else "...; stopping."), and from then on the tables
  // say which process they counted: the exited one's, and every later
  // process's (after_restart).
  bool follow = false;
  bool after_restart = false;  // another process was traced before this one
};

// Why a query stopped by itself.
enum class QueryEnd {
  Running,
  Exit,          // an `exit` statement
  Limit,         // `limit N` rows printed
  Deadline,      // `for D` elapsed
  TargetExited,  // every traced process exited
  OutputClosed,  // the output stream failed (its reader went away)
};

struct QueryStats {
  uint64_t events = 0;          // rows and printf lines received
  uint64_t lost = 0;            // events the ring buffer had no room for
  uint64_t map_full_drops = 0;  // updates full maps refused, all sites
  std::chrono::steady_clock::time_point started;  // when attached
};

class Query {
 public:
  // `output` and `err` must outlive the Query (see set_streams).
  Query(CompiledQuery programs, QueryOptions options, Output& output,
        std::ostream& err);
  ~Query();  // detaches and closes everything, printing nothing
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  void load();
  void begin();
  void attach();
  // `loop` must outlive the Query while its sources are in it.  A query
  // that stops by itself (done()) detaches its probes and takes its
  // sources out at once; finish() still reads what is left.
  void add_sources(EventLoop& loop);
  // Takes its sources out of the loop (finish() does it too).
  void remove_sources(EventLoop& loop);
  // Ends the run: detaches, reads what is left, runs `end`, prints the
  // last tables, lost events and full maps.  Once; later calls do nothing.
  void finish(EventLoop& loop);

  QueryEnd end() const;
  bool done() const { return end() != QueryEnd::Running; }
  bool finished() const;
  QueryStats stats() const;
  const CompiledQuery& programs() const;

  // Prints the aggregations as they stand (not reset) to `output`.
  // Returns false, printing nothing, when the query has none.
  bool show(Output& output);
  // Reads what the ring buffer holds now, as the query stands (muted or
  // not), at most a bounded number of batches: the session mutes a job's
  // backlog before it streams the job's rows (.fg).
  void read_pending();

  // While muted, rows, printf lines and interval tables are read and
  // counted but not written (a background job on a terminal); status
  // lines still go to `err`.
  void set_muted(bool muted);
  // Where rows and status lines go from now on.
  void set_streams(Output& output, std::ostream& err);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ovsq::runtime
