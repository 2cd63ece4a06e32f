#include "runtime/output.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <ostream>

#include "runtime/event_printer.h"
#include "runtime/value_format.h"

namespace ovsq::runtime {
namespace {

constexpr std::string_view kSeparator = "  ";
constexpr uint64_t kBarWidth = 52;
// Layout ids index a vector; codegen numbers them from 0.
constexpr uint32_t kMaxLayoutId = 1u << 20;

void write(std::ostream& os, std::string_view s) {
  if (!s.empty()) os.write(s.data(), static_cast<std::streamsize>(s.size()));
}

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

bool is_hist(AggregationKind kind) {
  return kind == AggregationKind::Hist || kind == AggregationKind::Lhist;
}

std::string value_header(const AggregationMap& map) {
  return map.value_header.empty() ? std::string(aggregation_name(map.kind))
                                  : map.value_header;
}

// Count is unsigned; the rest are s64.
std::string value_text(const AggregationMap& map, const AggregationRow& row) {
  return map.kind == AggregationKind::Count ? number(row.count)
                                            : number(row.value);
}

// 2026-11-25T14:03:07.123Z
std::string utc_time(std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(tp.time_since_epoch());
  auto secs = floor<seconds>(ms);
  std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>((ms - secs).count()));
  return buf;
}

// 14:03:07, local time
std::string local_time(std::chrono::system_clock::time_point tp) {
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// ---- histogram labels -------------------------------------------------------

// Hist bounds are powers of two: 1024 and up are written with K, M, G, T,
// P, E for powers of 1024 ("2K", "4M").
void append_bound(std::string& out, int64_t v, bool suffixes) {
  static constexpr char kSuffix[] = "KMGTPE";
  int n = 0;
  if (suffixes && v > 0)
    while (n < 6 && v % 1024 == 0) {
      v /= 1024;
      ++n;
    }
  append_number(out, v);
  if (n > 0) out.push_back(kSuffix[n - 1]);
}

std::string bucket_label(const HistBucket& b, AggregationKind kind) {
  bool hist = kind == AggregationKind::Hist;
  std::string s;
  if (!b.has_low && !b.has_high) return "(..., ...)";
  if (!b.has_low) {
    s = "(..., ";
    append_bound(s, b.high, hist);
    s += ")";
  } else if (!b.has_high) {
    s = "[";
    append_bound(s, b.low, hist);
    s += ", ...)";
  } else if (hist && b.high - b.low == 1) {
    s = "[";
    append_bound(s, b.low, hist);
    s += "]";
  } else {
    s = "[";
    append_bound(s, b.low, hist);
    s += ", ";
    append_bound(s, b.high, hist);
    s += ")";
  }
  return s;
}

// ---- text tables ------------------------------------------------------------

void append_cell(std::string& line, std::string_view text, size_t width,
                 bool right_aligned, bool last) {
  size_t pad = text.size() < width ? width - text.size() : 0;
  if (right_aligned) line.append(pad, ' ');
  line.append(text);
  if (!right_aligned && !last) line.append(pad, ' ');
}

// A header line and rows, widths from the data, two spaces between columns.
void append_aligned(std::string& out, const std::vector<std::string>& headers,
                    const std::vector<bool>& right,
                    const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(headers.size());
  for (size_t i = 0; i < headers.size(); ++i) widths[i] = headers[i].size();
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      if (i > 0) out.append(kSeparator);
      append_cell(out, cells[i], widths[i], right[i], i + 1 == cells.size());
    }
    out.push_back('\n');
  };
  line(headers);
  for (const auto& row : rows) line(row);
}

void append_value_table(std::string& out, const AggregationTable& t) {
  const AggregationMap& map = *t.map;
  const bool avg = map.kind == AggregationKind::Avg;
  if (map.keys.empty()) {
    for (const AggregationRow& row : t.rows) {
      out += value_text(map, row);
      if (avg) out += " (count " + number(row.count) + ")";
      out.push_back('\n');
    }
    return;
  }
  std::vector<std::string> headers;
  std::vector<bool> right;
  for (const Column& c : map.keys) {
    headers.push_back(c.header);
    right.push_back(is_right_aligned(c.kind));
  }
  headers.push_back(value_header(map));
  right.push_back(true);
  if (avg) {
    headers.push_back("count");
    right.push_back(true);
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(t.rows.size());
  for (const AggregationRow& row : t.rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < map.keys.size(); ++i)
      cells.push_back(i < row.key.size() ? row.key[i].text : std::string());
    cells.push_back(value_text(map, row));
    if (avg) cells.push_back(number(row.count));
    rows.push_back(std::move(cells));
  }
  append_aligned(out, headers, right, rows);
}

void append_histogram(std::string& out, const AggregationTable& t) {
  const AggregationMap& map = *t.map;
  size_t label_width = 0, count_width = 0;
  std::vector<std::vector<std::string>> labels;
  for (const AggregationRow& row : t.rows) {
    auto& l = labels.emplace_back();
    for (const HistBucket& b : row.buckets) {
      l.push_back(bucket_label(b, map.kind));
      label_width = std::max(label_width, l.back().size());
      count_width = std::max(count_width, number(b.count).size());
    }
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const AggregationRow& row = t.rows[r];
    if (!map.keys.empty()) {
      for (size_t i = 0; i < map.keys.size(); ++i) {
        if (i > 0) out += ", ";
        out += map.keys[i].header;
        out += " = ";
        if (i < row.key.size()) out += row.key[i].text;
      }
      out.push_back('\n');
    }
    uint64_t biggest = 0;
    for (const HistBucket& b : row.buckets) biggest = std::max(biggest, b.count);
    for (size_t i = 0; i < row.buckets.size(); ++i) {
      const HistBucket& b = row.buckets[i];
      append_cell(out, labels[r][i], label_width, false, false);
      out.append(kSeparator);
      append_cell(out, number(b.count), count_width, true, false);
      uint64_t bar = biggest == 0
                         ? 0
                         : static_cast<uint64_t>(
                               static_cast<unsigned __int128>(b.count) *
                               kBarWidth / biggest);
      if (b.count > 0 && bar == 0) bar = 1;
      out += " |";
      out.append(bar, '@');
      out.append(kBarWidth - bar, ' ');
      out += "|\n";
    }
  }
}

void append_text_table(std::string& out, const AggregationTable& t) {
  out += t.map->title;
  out.push_back('\n');
  if (t.rows.empty())
    out += "(no entries)\n";
  else if (is_hist(t.map->kind))
    append_histogram(out, t);
  else
    append_value_table(out, t);
  out.push_back('\n');
}

// ---- status lines -----------------------------------------------------------

// "cpu 0: 3, cpu 2: 5": the CPUs that lost any.
std::string per_cpu_text(const std::vector<uint64_t>& per_cpu,
                         size_t* cpus = nullptr) {
  std::string s;
  size_t n = 0;
  for (size_t cpu = 0; cpu < per_cpu.size(); ++cpu) {
    if (per_cpu[cpu] == 0) continue;
    if (n++ > 0) s += ", ";
    s += "cpu " + number(cpu) + ": " + number(per_cpu[cpu]);
  }
  if (cpus) *cpus = n;
  return s;
}

std::string lost_text(const LostReport& r) {
  if (r.count == 0) return {};
  std::string s = "Lost " + number(r.count) +
                  (r.count == 1 ? " event" : " events");
  size_t cpus = 0;
  std::string breakdown = per_cpu_text(r.per_cpu, &cpus);
  if (r.final) {
    s += " (ring buffer full)";
    if (cpus > 1) s += " (" + breakdown + ")";
  } else {
    s += " in the last interval";
    if (cpus > 0) s += " (" + breakdown + ")";
  }
  return s + ".\n";
}

std::string map_full_text(const MapFullReport& r) {
  if (r.site == nullptr || r.dropped == 0) return {};
  std::string s = "Map " + r.site->map + " is full (" +
                  number(r.site->max_entries) +
                  (r.site->max_entries == 1 ? " entry): " : " entries): ") +
                  number(r.dropped) +
                  (r.dropped == 1 ? " update dropped" : " updates dropped");
  if (!r.site->where.empty()) s += " at " + r.site->where;
  return s + ".\n";
}

// ---- JSON -------------------------------------------------------------------

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

// ---- CSV --------------------------------------------------------------------

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

// ---- layouts ----------------------------------------------------------------

struct Prepared {
  bool present = false;
  EventLayout layout;
  size_t min_size = 0;
  std::string label;               // layout_label()
  PrintfFormat printf;
  std::vector<std::string> names;  // JSON field names: headers made unique
};

// JSON object keys must differ: a header seen before gets "#2", "#3", ...
std::vector<std::string> unique_names(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  auto taken = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) != names.end()) return true;
    for (const Column& c : columns)
      if (c.header == n) return true;
    return false;
  };
  for (const Column& c : columns) {
    std::string name = c.header;
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      for (unsigned k = 2;; ++k) {
        name = c.header + "#" + std::to_string(k);
        if (!taken(name)) break;
      }
    }
    names.push_back(std::move(name));
  }
  return names;
}

class LayoutIndex {
 public:
  explicit LayoutIndex(const std::vector<EventLayout>& layouts) {
    for (const EventLayout& layout : layouts) {
      if (layout.id >= kMaxLayoutId) continue;
      if (layout.id >= by_id_.size()) by_id_.resize(layout.id + 1);
      Prepared& p = by_id_[layout.id];
      p.present = true;
      p.layout = layout;
      p.min_size = required_size(layout);
      p.label = layout_label(layout);
      if (layout.is_printf)
        p.printf = PrintfFormat(layout);
      else
        p.names = unique_names(layout.columns);
    }
    for (const Prepared& p : by_id_)
      if (p.present && !p.layout.is_printf) ++row_layouts_;
  }

  enum class Found { Layout, Exit, Malformed };
  Found find(std::span<const uint8_t> event, const Prepared*& layout) const {
    if (event.size() < 8) return Found::Malformed;
    uint32_t id;
    std::memcpy(&id, event.data(), sizeof id);
    if (id == kExitEventId) return Found::Exit;
    if (id >= by_id_.size() || !by_id_[id].present) return Found::Malformed;
    if (event.size() < by_id_[id].min_size) return Found::Malformed;
    layout = &by_id_[id];
    return Found::Layout;
  }

  const std::vector<Prepared>& all() const { return by_id_; }
  size_t row_layouts() const { return row_layouts_; }

 private:
  std::vector<Prepared> by_id_;
  size_t row_layouts_ = 0;
};

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

// ---- text -------------------------------------------------------------------

class TextOutput final : public StreamOutput {
 public:
  TextOutput(const std::vector<EventLayout>& layouts, std::ostream& out,
             std::ostream& err)
      : StreamOutput(out, err), printer_(layouts) {}

  void start() override { printer_.print_header(out_); }

  bool event(std::span<const uint8_t> data) override {
    return printer_.print_event(data, out_);
  }

  void aggregations(const Moment& at,
                    std::span<const AggregationTable> tables) override {
    std::string s;
    if (at.interval >= 1)
      s += "-- " + local_time(at.wall) + " (interval " + number(at.interval) +
           ") --\n";
    for (const AggregationTable& t : tables)
      if (t.map) append_text_table(s, t);
    write(out_, s);
  }

 private:
  EventPrinter printer_;
};

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
      if (c.kind == ColumnKind::Unsigned || c.kind == ColumnKind::Signed ||
          c.kind == ColumnKind::Bool)
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
      bool hist = is_hist(map.kind);
      line_.clear();
      line_ += hist ? "{\"type\":\"histogram\"" : "{\"type\":\"aggregation\"";
      line_ += ",\"name\":";
      append_json_string(line_, map.title);
      line_ += ",\"function\":";
      append_json_string(line_, aggregation_name(map.kind));
      line_ += ",\"interval\":" + number(at.interval);
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
          line_ += ",\"value\":" + value_text(map, row);
          if (map.kind == AggregationKind::Avg)
            line_ += ",\"count\":" + number(row.count);
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

// ---- CSV --------------------------------------------------------------------

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
      bool hist = is_hist(map.kind);
      s.push_back('\n');
      std::vector<std::string> header = {"name", "interval", "time"};
      for (const Column& c : map.keys) header.push_back(c.header);
      if (hist) {
        header.insert(header.end(), {"low", "high", "count"});
      } else {
        header.push_back(value_header(map));
        if (map.kind == AggregationKind::Avg) header.push_back("count");
      }
      append_csv_record(s, header);
      for (const AggregationRow& row : t.rows) {
        std::vector<std::string> fields = {map.title, interval, time};
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
          fields.push_back(value_text(map, row));
          if (map.kind == AggregationKind::Avg)
            fields.push_back(number(row.count));
          append_csv_record(s, fields);
        }
      }
      tables_since_header_ = true;
    }
    write(out_, s);
  }

 private:
  // One header record per row layout; with several, each starts with a
  // "clause" field (the rows start with their label).
  void append_headers(std::string& s) const {
    for (const Prepared& p : layouts_.all()) {
      if (!p.present || p.layout.is_printf) continue;
      std::vector<std::string> fields;
      if (layouts_.row_layouts() > 1) fields.push_back("clause");
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

std::unique_ptr<Output> Output::create(OutputFormat format,
                                       const std::vector<EventLayout>& layouts,
                                       std::ostream& out, std::ostream& err) {
  switch (format) {
    case OutputFormat::Json:
      return std::make_unique<JsonOutput>(layouts, out, err);
    case OutputFormat::Csv:
      return std::make_unique<CsvOutput>(layouts, out, err);
    case OutputFormat::Text:
      break;
  }
  return std::make_unique<TextOutput>(layouts, out, err);
}

}  // namespace ovsq::runtime
