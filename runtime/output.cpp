// Output::create (runtime/output.h): one Output per format, each in its own
// file -- runtime/output_text.cpp, output_json.cpp, output_csv.cpp -- with
// what they share in runtime/output_common.h.
#include "runtime/output.h"

#include "runtime/output_common.h"

namespace ovsq::runtime {

std::unique_ptr<Output> Output::create(OutputFormat format,
                                       const std::vector<EventLayout>& layouts,
                                       std::ostream& out, std::ostream& err) {
  switch (format) {
    case OutputFormat::Json:
      return output_detail::make_json_output(layouts, out, err);
    case OutputFormat::Csv:
      return output_detail::make_csv_output(layouts, out, err);
    case OutputFormat::Text:
      break;
  }
  return output_detail::make_text_output(layouts, out, err);
}

}  // namespace ovsq::runtime
