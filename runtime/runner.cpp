#include "runtime/runner.h"

#include <ostream>

#include "runtime/event_loop.h"
#include "runtime/query.h"
#include "runtime/stop_signals.h"

namespace ovsq::runtime {

int run(const CompiledQuery& programs, const RunOptions& options,
        Output& output, std::ostream& err) {
  StopSignals signals;
  EventLoop loop;  // before the query, which leaves it when destroyed
  Query query(programs, options, output, err);
  // Added first, so that on a signal none of the query's handlers runs
  // after it (no interval printed on the way out).
  bool signalled = false;
  loop.add(signals.fd(), [&] {
    if (signals.take() == 0) return;
    signalled = true;
    query.remove_sources(loop);
  });

  query.load();
  query.begin();
  query.attach();
  query.add_sources(loop);
  while (!query.done() && !signalled) loop.run_once();
  if (options.end) *options.end = query.end();
  query.finish(loop);
  return 0;
}

}  // namespace ovsq::runtime
