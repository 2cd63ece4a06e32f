// libFuzzer target: --filter-flows text -> its condition, ANDed into a
// query's clauses as the pipeline does.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/flow_filter.h"
#include "frontend/parser.h"
#include "frontend/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ovsq::frontend;
  Source filter_source{"--filter-flows",
                       std::string(reinterpret_cast<const char*>(data), size)};
  Diagnostics filter_diagnostics(filter_source);
  std::optional<ExprPtr> filter = parse_flow_filter(filter_source, filter_diagnostics);
  if (!filter) {
    filter_diagnostics.render();
    return 0;
  }
  Source query{"q", "on flow_put, flow_result where ufid != 0 print ufid"};
  Diagnostics diagnostics(query);
  Program program = parse(query, diagnostics);
  apply_flow_filter(program, **filter);
  dump(program);
  return 0;
}
