// The json format (runtime/output.h): one JSON object per line for every
// record, strings always valid UTF-8.
#include <algorithm>
#include <ostream>

#include "runtime/output_common.h"

namespace ovsq::runtime::output_detail {
namespace {

// ---- JSON strings -----------------------------------------------------------

// Length of the valid UTF-8 sequence at s[i] (2-4 bytes), or 0.
size_t utf8_length(std::string_view s, size_t i) {
  auto at = [&](size_t k) {
    return k < s.size() ? static_cast<uint8_t>(s[k]) : uint8_t{0};
  };
  auto cont = [](uint8_t b) { return b >= 0x80 && b <= 0xbf; };
  uint8_t c = at(i);
  uint8_t lo = 0x80, hi = 0xbf;
  size_t n;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  else return 0;
  if (c == 0xe0) lo = 0xa0;        // no overlong forms
  else if (c == 0xed) hi = 0x9f;   // no surrogates
  else if (c == 0xf0) lo = 0x90;   // no overlong forms
  else if (c == 0xf4) hi = 0x8f;   // nothing above U+10FFFF
  uint8_t second = at(i + 1);
  if (second < lo || second > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (!cont(at(i + k))) return 0;
  return n;
}

void append_u00(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 15]);
}

// A JSON string: valid UTF-8 kept, control characters escaped, and any
// byte that is not part of valid UTF-8 written as \u00XX (its Latin-1
// reading), so the line is always valid JSON and valid UTF-8.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f)
            append_u00(out, c);
          else
            out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    if (size_t n = utf8_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      append_u00(out, c);
      ++i;
    }
  }
  out.push_back('"');
}

void append_json_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out.push_back(':');
}

// A key cell: its decimal text as a JSON number, anything else a string.
void append_json_cell(std::string& out, const Cell& cell) {
  std::string_view t = cell.text;
  bool numeric = cell.is_number && !t.empty();
  if (numeric) {
    size_t i = t[0] == '-' ? 1 : 0;
    numeric = i < t.size() &&
              std::all_of(t.begin() + i, t.end(),
                          [](char c) { return c >= '0' && c <= '9'; });
  }
  if (numeric)
    out += t;
  else
    append_json_string(out, t);
}

// ---- JSON lines -------------------------------------------------------------

class JsonOutput final : public Output {
 public:
  JsonOutput(const std::vector<EventLayout>& layouts, std::ostream& out,
             std::ostream& err)
      : layouts_(layouts), out_(out), err_(err) {}

  void start() override {}

  bool event(std::span<const uint8_t> data) override {
    const Prepared* p = nullptr;
    LayoutIndex::Found found = layouts_.find(data, p);
    if (found != LayoutIndex::Found::Layout) return found == LayoutIndex::Found::Exit;
    line_.clear();
    if (p->layout.is_printf) {
      line_ += "{\"type\":\"printf\",\"clause\":";
      append_json_string(line_, p->label);
      line_ += ",\"text\":";
      value_.clear();
      p->printf.append(value_, data.data());
      append_json_string(line_, value_);
      line_ += "}\n";
      write(out_, line_);
      return true;
    }
    line_ += "{\"type\":\"event\",\"clause\":";
    append_json_string(line_, p->label);
    line_ += ",\"fields\":{";
    const std::vector<Column>& columns = p->layout.columns;
    for (size_t i = 0; i < columns.size(); ++i) {
      const Column& c = columns[i];
      if (i > 0) line_.push_back(',');
      append_json_key(line_, p->names[i]);
      value_.clear();
      append_value(value_, c, data.data());
      if (column_kind_info(c.kind).json != JsonForm::String)
        line_ += value_;  // a number, true or false
      else
        append_json_string(line_, value_);
    }
    line_ += "}}\n";
    write(out_, line_);
    return true;
  }

  void aggregations(const Moment& at,
                    std::span<const AggregationTable> tables) override {
    std::string time = utc_time(at.wall);
    for (const AggregationTable& t : tables) {
      if (!t.map) continue;
      const AggregationMap& map = *t.map;
      bool hist = is_histogram(map.kind);
      line_.clear();
      line_ += hist ? "{\"type\":\"histogram\"" : "{\"type\":\"aggregation\"";
      line_ += ",\"name\":";
      append_json_string(line_, map.title);
      line_ += ",\"function\":";
      append_json_string(line_, aggregation_name(map.kind));
      line_ += ",\"interval\":" + number(at.interval);
      if (at.process) line_ += ",\"pid\":" + number(at.process);
      line_ += ",\"time\":\"" + time + "\",\"keys\":[";
      for (size_t i = 0; i < map.keys.size(); ++i) {
        if (i > 0) line_.push_back(',');
        append_json_string(line_, map.keys[i].header);
      }
      line_ += "],\"rows\":[";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        const AggregationRow& row = t.rows[r];
        if (r > 0) line_.push_back(',');
        line_ += "{\"key\":[";
        for (size_t i = 0; i < row.key.size(); ++i) {
          if (i > 0) line_.push_back(',');
          append_json_cell(line_, row.key[i]);
        }
        line_ += "]";
        if (hist) {
          line_ += ",\"buckets\":[";
          for (size_t i = 0; i < row.buckets.size(); ++i) {
            const HistBucket& b = row.buckets[i];
            if (i > 0) line_.push_back(',');
            line_.push_back('{');
            if (b.has_low) line_ += "\"low\":" + number(b.low) + ",";
            if (b.has_high) line_ += "\"high\":" + number(b.high) + ",";
            line_ += "\"count\":" + number(b.count) + "}";
          }
          line_ += "]";
        } else {
          for (const AggregationValue& v : row.values) {
            line_ += ",";
            append_json_string(line_, json_value_name(map, v));
            line_ += ":" + value_text(v);
          }
        }
        line_ += "}";
      }
      line_ += "]}\n";
      write(out_, line_);
    }
  }

  // Interval reports only when something was lost; the final one always.
  void lost(const LostReport& r) override {
    if (!r.final && r.count == 0) return;
    line_ = "{\"type\":\"lost\",\"interval\":" + number(r.at.interval) +
            ",\"time\":\"" + utc_time(r.at.wall) +
            "\",\"count\":" + number(r.count) + ",\"per_cpu\":[";
    for (size_t i = 0; i < r.per_cpu.size(); ++i) {
      if (i > 0) line_.push_back(',');
      append_number(line_, r.per_cpu[i]);
    }
    line_ += "],\"final\":";
    line_ += r.final ? "true" : "false";
    line_ += "}\n";
    write(out_, line_);
  }

  void map_full(const MapFullReport& r) override {
    if (r.site == nullptr || r.dropped == 0) return;
    line_ = "{\"type\":\"map_full\",\"map\":";
    append_json_string(line_, r.site->map);
    line_ += ",\"where\":";
    append_json_string(line_, r.site->where);
    line_ += ",\"max_entries\":" + number(r.site->max_entries) +
             ",\"dropped\":" + number(r.dropped) + "}\n";
    write(out_, line_);
  }

  void error(std::string_view message) override {
    line_ = "{\"type\":\"error\",\"message\":";
    append_json_string(line_, message);
    line_ += "}\n";
    write(out_, line_);
  }

  void flush() override {
    out_.flush();
    err_.flush();
  }
  bool good() const override { return out_.good(); }

 private:
  LayoutIndex layouts_;
  std::ostream& out_;
  std::ostream& err_;
  std::string line_;   // reused for every record
  std::string value_;  // one value
};

}  // namespace

std::unique_ptr<Output> make_json_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err) {
  return std::make_unique<JsonOutput>(layouts, out, err);
}

}  // namespace ovsq::runtime::output_detail
