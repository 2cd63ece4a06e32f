// The text format (runtime/output.h): rows and printf lines through
// runtime/event_printer.h; aggregation tables aligned from their data and
// histograms as bar charts, each under its title.
#include <algorithm>
#include <ostream>

#include "runtime/event_printer.h"
#include "runtime/output_common.h"

namespace ovsq::runtime::output_detail {
namespace {

constexpr std::string_view kSeparator = "  ";
constexpr uint64_t kBarWidth = 52;

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

// Without keys, a row is its values on one line: the function's own value
// first and the others after it in parentheses, "5 (count 3)"; a kind
// without its own value names them all, "count 3, sum 15, avg 5".
std::string keyless_row(const AggregationMap& map, const AggregationRow& row) {
  std::string own, others;
  for (const AggregationValue& v : row.values) {
    if (own.empty() && std::string_view(v.name) == aggregation_name(map.kind)) {
      own = value_text(v);
      continue;
    }
    if (!others.empty()) others += ", ";
    others += std::string(v.name) + " " + value_text(v);
  }
  if (own.empty()) return others;
  return others.empty() ? own : own + " (" + others + ")";
}

void append_value_table(std::string& out, const AggregationTable& t) {
  const AggregationMap& map = *t.map;
  if (map.keys.empty()) {
    for (const AggregationRow& row : t.rows) out += keyless_row(map, row) + "\n";
    return;
  }
  std::vector<std::string> headers;
  std::vector<bool> right;
  for (const Column& c : map.keys) {
    headers.push_back(c.header);
    right.push_back(is_right_aligned(c.kind));
  }
  for (std::string& header : value_headers(map)) {
    headers.push_back(std::move(header));
    right.push_back(true);
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(t.rows.size());
  for (const AggregationRow& row : t.rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < map.keys.size(); ++i)
      cells.push_back(i < row.key.size() ? row.key[i].text : std::string());
    for (const AggregationValue& v : row.values) cells.push_back(value_text(v));
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
  else if (is_histogram(t.map->kind))
    append_histogram(out, t);
  else
    append_value_table(out, t);
  out.push_back('\n');
}

// ---- text output ------------------------------------------------------------

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
    std::string process = at.process ? "PID " + number(at.process) : "";
    if (at.interval >= 1)
      s += "-- " + local_time(at.wall) + " (interval " + number(at.interval) +
           (process.empty() ? "" : ", " + process) + ") --\n";
    else if (!process.empty())
      s += "-- " + process + " --\n";
    for (const AggregationTable& t : tables)
      if (t.map) append_text_table(s, t);
    write(out_, s);
  }

 private:
  EventPrinter printer_;
};

}  // namespace

std::unique_ptr<Output> make_text_output(
    const std::vector<EventLayout>& layouts, std::ostream& out,
    std::ostream& err) {
  return std::make_unique<TextOutput>(layouts, out, err);
}

}  // namespace ovsq::runtime::output_detail
