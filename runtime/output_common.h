#pragma once
// What the three Output formats (runtime/output.h) share: number and time
// formatting, aggregation values, the status lines text and csv write to
// the error stream, the layout lookup json and csv use, and the factories
// Output::create (runtime/output.cpp) picks from.  Each format lives in
// its own file with the helpers only it uses: runtime/output_text.cpp
// (text tables, histogram bars), runtime/output_json.cpp (JSON strings),
// runtime/output_csv.cpp (RFC 4180 fields).
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/output.h"
#include "runtime/layout_index.h"
#include "runtime/value_format.h"

namespace ovsq::runtime::output_detail {

// The factories behind Output::create; `layouts` is copied, `out` and
// `err` must outlive the Output.
std::unique_ptr<Output> make_text_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err);
std::unique_ptr<Output> make_json_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err);
std::unique_ptr<Output> make_csv_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err);

// ---- numbers and times ------------------------------------------------------

// Writes `s` (nothing at all when empty).
inline void write(std::ostream& os, std::string_view s) {
  if (!s.empty()) os.write(s.data(), static_cast<std::streamsize>(s.size()));
}

// An integer in decimal.
template <typename T>
void append_number(std::string& out, T value) {
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

template <typename T>
std::string number(T value) {
  std::string s;
  append_number(s, value);
  return s;
}

// 2026-11-25T14:03:07.123Z
std::string utc_time(std::chrono::system_clock::time_point tp);
// 14:03:07, local time
std::string local_time(std::chrono::system_clock::time_point tp);

// ---- aggregations -----------------------------------------------------------

// Every format prints a row's named values (runtime/output.h) the same
// way, whatever the kind.
// The value columns' headers: the kind's value names ("avg", "count").
std::vector<std::string> value_headers(const AggregationMap& map);
// One value in decimal, unsigned or signed.
std::string value_text(const AggregationValue& value);
// A value's JSON member: "value" for the one named like the function
// (count, sum, avg...), else its own name.
std::string json_value_name(const AggregationMap& map, const AggregationValue& value);

// ---- status lines -----------------------------------------------------------

// "Lost 3 events in the last interval (cpu 0: 3).\n"; empty when none lost.
std::string lost_text(const LostReport& r);
// "Map m is full (10 entries): 2 updates dropped at ...\n"; empty when
// nothing was dropped.
std::string map_full_text(const MapFullReport& r);

// Text and CSV: status lines to the error stream.
class StreamOutput : public Output {
 public:
  StreamOutput(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  void lost(const LostReport& report) override {
    write(err_, lost_text(report));
  }
  void map_full(const MapFullReport& report) override {
    write(err_, map_full_text(report));
  }
  // The driver prints errors itself.
  void error(std::string_view) override {}
  void flush() override {
    out_.flush();
    err_.flush();
  }
  bool good() const override { return out_.good(); }

 protected:
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace ovsq::runtime::output_detail
