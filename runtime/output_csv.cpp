// The csv format (runtime/output.h): RFC 4180 event rows under their
// header records, aggregation tables after a blank line each.
#include <ostream>

#include "runtime/output_common.h"

namespace ovsq::runtime::output_detail {
namespace {

// ---- CSV records ------------------------------------------------------------

// RFC 4180: quoted when it holds a comma, a quote, CR or LF.
void append_csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_record(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_csv_field(out, fields[i]);
  }
  out.push_back('\n');
}

// ---- CSV output -------------------------------------------------------------

class CsvOutput final : public StreamOutput {
 public:
  CsvOutput(const std::vector<EventLayout>& layouts, std::ostream& out,
            std::ostream& err)
      : StreamOutput(out, err), layouts_(layouts) {}

  void start() override {
    std::string s;
    append_headers(s);
    write(out_, s);
    started_ = true;
  }

  bool event(std::span<const uint8_t> data) override {
    const Prepared* p = nullptr;
    LayoutIndex::Found found = layouts_.find(data, p);
    if (found != LayoutIndex::Found::Layout) return found == LayoutIndex::Found::Exit;
    line_.clear();
    // Aggregation tables came since the event header: start the event
    // table again, so that every table starts with its header.
    if (tables_since_header_) {
      line_.push_back('\n');
      if (started_) append_headers(line_);
      tables_since_header_ = false;
    }
    if (p->layout.is_printf) {
      value_.clear();
      p->printf.append(value_, data.data());
      std::string_view text = value_;
      if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      append_csv_field(line_, text);
      line_.push_back('\n');
      write(out_, line_);
      return true;
    }
    bool first = true;
    if (layouts_.row_layouts() > 1) {
      append_csv_field(line_, p->label);
      first = false;
    }
    for (const Column& c : p->layout.columns) {
      if (!first) line_.push_back(',');
      first = false;
      value_.clear();
      append_value(value_, c, data.data());
      append_csv_field(line_, value_);
    }
    line_.push_back('\n');
    write(out_, line_);
    return true;
  }

  void aggregations(const Moment& at,
                    std::span<const AggregationTable> tables) override {
    std::string s;
    std::string time = utc_time(at.wall);
    std::string interval = number(at.interval);
    for (const AggregationTable& t : tables) {
      if (!t.map) continue;
      const AggregationMap& map = *t.map;
      bool hist = is_histogram(map.kind);
      s.push_back('\n');
      std::vector<std::string> header = {"name", "interval", "time"};
      if (at.process) header.push_back("pid");
      for (const Column& c : map.keys) header.push_back(c.header);
      if (hist) {
        header.insert(header.end(), {"low", "high", "count"});
      } else {
        for (std::string& name : value_headers(map)) header.push_back(std::move(name));
      }
      append_csv_record(s, header);
      for (const AggregationRow& row : t.rows) {
        std::vector<std::string> fields = {map.title, interval, time};
        if (at.process) fields.push_back(number(at.process));
        for (size_t i = 0; i < map.keys.size(); ++i)
          fields.push_back(i < row.key.size() ? row.key[i].text : "");
        if (hist) {
          for (const HistBucket& b : row.buckets) {
            std::vector<std::string> record = fields;
            record.push_back(b.has_low ? number(b.low) : "");
            record.push_back(b.has_high ? number(b.high) : "");
            record.push_back(number(b.count));
            append_csv_record(s, record);
          }
        } else {
          for (const AggregationValue& v : row.values) fields.push_back(value_text(v));
          append_csv_record(s, fields);
        }
      }
      tables_since_header_ = true;
    }
    write(out_, s);
  }

 private:
  // One header record per row layout; with several, each header record
  // and each row starts with the clause's label, as in text, so that a
  // record's label says which header it goes with.
  void append_headers(std::string& s) const {
    for (const Prepared& p : layouts_.all()) {
      if (!p.present || p.layout.is_printf) continue;
      std::vector<std::string> fields;
      if (layouts_.row_layouts() > 1) fields.push_back(p.label);
      for (const Column& c : p.layout.columns) fields.push_back(c.header);
      append_csv_record(s, fields);
    }
  }

  LayoutIndex layouts_;
  bool started_ = false;
  bool tables_since_header_ = false;
  std::string line_;
  std::string value_;
};

}  // namespace

std::unique_ptr<Output> make_csv_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err) {
  return std::make_unique<CsvOutput>(layouts, out, err);
}

}  // namespace ovsq::runtime::output_detail
