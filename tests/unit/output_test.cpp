// runtime::Output in its three formats: text, JSON lines (every record
// parsed back with nlohmann::json), CSV.
#include "runtime/output.h"

#include <linux/openvswitch.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/value_format.h"
#include "tests/unit/output_test_util.h"

namespace ovsq::runtime {
namespace {

using nlohmann::json;
using test::aggregation;
using test::piece;
using test::Bytes;
using test::bucket_counts;
using test::column;
using test::entry;
using test::enum_column;
using test::Event;
using test::test_time;
using test::words;

struct Capture {
  std::ostringstream out, err;
  std::unique_ptr<Output> output;
  Capture(OutputFormat format, const std::vector<EventLayout>& layouts)
      : output(Output::create(format, layouts, out, err)) {}
  Output* operator->() { return output.get(); }
};

// Every line of `text` parsed as JSON; each must start with "type".
std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.rfind("{\"type\":\"", 0), 0u) << line;
    out.push_back(json::parse(line));  // throws when not valid JSON/UTF-8
  }
  return out;
}

std::string bar(size_t n) {
  return " |" + std::string(n, '@') + std::string(52 - n, ' ') + "|";
}

Column reason_column(uint32_t offset) {
  return enum_column("reason", offset, 4,
                     {{0, "UKEY_KEEP"}, {1, "UKEY_DELETE"}, {2, "UKEY_MODIFY"}});
}

// ---- events -----------------------------------------------------------------

EventLayout port_layout(uint32_t id, std::string label) {
  EventLayout layout;
  layout.id = id;
  layout.label = std::move(label);
  layout.size = 16;
  layout.columns = {column("port", ColumnKind::Unsigned, 8, 4)};
  return layout;
}

EventLayout printf_layout(uint32_t id, std::vector<PrintfPiece> pieces,
                          std::vector<Column> columns, uint32_t size = 16) {
  EventLayout layout;
  layout.id = id;
  layout.label = "printf" + std::to_string(id);
  layout.size = size;
  layout.is_printf = true;
  layout.columns = std::move(columns);
  layout.printf_pieces = std::move(pieces);
  return layout;
}

TEST(TextOutput, RowsAsTheEventPrinterPrintsThem) {
  EventLayout layout;
  layout.size = 24;
  layout.columns = {column("port", ColumnKind::Unsigned, 8, 4),
                    column("name", ColumnKind::String, 12, 8),
                    reason_column(20)};
  Capture c(OutputFormat::Text, {layout});
  c->start();
  EXPECT_TRUE(c->event(Event(0, 24).set<uint32_t>(8, 3).text(12, "br-int").bytes));
  EXPECT_TRUE(c->event(Event(0, 24).set<uint32_t>(20, 2).bytes));
  c->flush();
  EXPECT_EQ(c.out.str(),
            "      port  name      reason\n"
            "         3  br-int    UKEY_KEEP\n"
            "         0            UKEY_MODIFY\n");
  EXPECT_EQ(c.err.str(), "");
}

TEST(TextOutput, PrintfLinesHaveNoLabelAndOneRowLayoutHasNone) {
  std::vector<EventLayout> layouts = {
      port_layout(0, "upcall:recv"),
      printf_layout(1, {piece("seen ", 0, "%u"), piece("\n", -1, "")},
                    {column("n", ColumnKind::Unsigned, 8, 4)})};
  Capture c(OutputFormat::Text, layouts);
  c->start();
  EXPECT_TRUE(c->event(Event(1, 16).set<uint32_t>(8, 9).bytes));
  EXPECT_TRUE(c->event(Event(0, 16).set<uint32_t>(8, 3).bytes));
  EXPECT_EQ(c.out.str(), "      port\nseen 9\n         3\n");

  layouts.push_back(port_layout(2, "upcall:miss"));
  Capture several(OutputFormat::Text, layouts);
  several->start();
  EXPECT_TRUE(several->event(Event(1, 16).set<uint32_t>(8, 9).bytes));
  EXPECT_TRUE(several->event(Event(2, 16).set<uint32_t>(8, 3).bytes));
  EXPECT_EQ(several.out.str(),
            "upcall:recv        port\n"
            "upcall:miss        port\n"
            "seen 9\n"
            "upcall:miss           3\n");
}

TEST(Output, MalformedEventsAreRejectedAndExitIsIgnored) {
  for (OutputFormat format :
       {OutputFormat::Text, OutputFormat::Json, OutputFormat::Csv}) {
    Capture c(format, {port_layout(0, "a")});
    EXPECT_FALSE(c->event(Event(0, 4).bytes));   // no header
    EXPECT_FALSE(c->event(Event(0, 12).bytes));  // shorter than the layout
    EXPECT_FALSE(c->event(Event(1, 16).bytes));  // unknown layout
    EXPECT_FALSE(c->event({}));
    EXPECT_TRUE(c->event(Event(kExitEventId, 8).bytes));
    EXPECT_EQ(c.out.str(), "");
    EXPECT_EQ(c.err.str(), "");
    EXPECT_TRUE(c->event(Event(0, 16).bytes));
  }
}

// ---- printf -----------------------------------------------------------------

// "<" + the column at offset 8 formatted by `conversion` + ">".
std::string printf_of(const Column& col, const Event& e,
                      const std::string& conversion) {
  EventLayout layout = printf_layout(
      0, {piece("<", 0, conversion), piece(">", -1, "")}, {col},
      static_cast<uint32_t>(e.bytes.size()));
  Capture c(OutputFormat::Text, {layout});
  c->start();
  EXPECT_TRUE(c->event(e.bytes));
  return c.out.str();
}

TEST(Printf, SignedConversions) {
  Column s32 = column("x", ColumnKind::Signed, 8, 4);
  Event minus5 = Event(0, 16).set<int32_t>(8, -5);
  Event seven = Event(0, 16).set<int32_t>(8, 7);
  EXPECT_EQ(printf_of(s32, minus5, "%d"), "<-5>");
  EXPECT_EQ(printf_of(s32, minus5, "%i"), "<-5>");
  EXPECT_EQ(printf_of(s32, minus5, "%5d"), "<   -5>");
  EXPECT_EQ(printf_of(s32, minus5, "%-5d"), "<-5   >");
  EXPECT_EQ(printf_of(s32, minus5, "%05d"), "<-0005>");
  EXPECT_EQ(printf_of(s32, seven, "%+d"), "<+7>");
  EXPECT_EQ(printf_of(s32, seven, "% d"), "< 7>");
  EXPECT_EQ(printf_of(s32, seven, "%.3d"), "<007>");
  EXPECT_EQ(printf_of(s32, seven, "%ld"), "<7>");   // length modifiers
  EXPECT_EQ(printf_of(s32, Event(0, 16).set<int32_t>(8, 300), "%hhd"),
            "<300>");                                // are ignored
  // %u %x %o: the value sign-extended to 64 bits, unsigned.
  EXPECT_EQ(printf_of(s32, Event(0, 16).set<int32_t>(8, -1), "%u"),
            "<18446744073709551615>");
  EXPECT_EQ(printf_of(s32, Event(0, 16).set<int32_t>(8, -1), "%x"),
            "<ffffffffffffffff>");
  // An unsigned 64-bit value through %d: signed 64-bit.
  Column u64 = column("x", ColumnKind::Unsigned, 8, 8);
  EXPECT_EQ(printf_of(u64, Event(0, 16).set<uint64_t>(8, UINT64_MAX), "%d"),
            "<-1>");
  EXPECT_EQ(printf_of(u64, Event(0, 16).set<uint64_t>(8, UINT64_MAX), "%llu"),
            "<18446744073709551615>");
}

TEST(Printf, UnsignedConversions) {
  Column u32 = column("x", ColumnKind::Unsigned, 8, 4);
  Event e = Event(0, 16).set<uint32_t>(8, 255);
  EXPECT_EQ(printf_of(u32, e, "%u"), "<255>");
  EXPECT_EQ(printf_of(u32, e, "%x"), "<ff>");
  EXPECT_EQ(printf_of(u32, e, "%X"), "<FF>");
  EXPECT_EQ(printf_of(u32, e, "%#x"), "<0xff>");
  EXPECT_EQ(printf_of(u32, e, "%o"), "<377>");
  EXPECT_EQ(printf_of(u32, e, "%#o"), "<0377>");
  EXPECT_EQ(printf_of(u32, e, "%08x"), "<000000ff>");
  EXPECT_EQ(printf_of(u32, e, "%-6x"), "<ff    >");
  EXPECT_EQ(printf_of(u32, e, "%+u"), "<255>");  // + means nothing here
}

TEST(Printf, CharAndPointer) {
  Column u8 = column("c", ColumnKind::Unsigned, 8, 1);
  Column u32 = column("c", ColumnKind::Unsigned, 8, 4);
  EXPECT_EQ(printf_of(u8, Event(0, 16).set<uint8_t>(8, 'A'), "%c"), "<A>");
  EXPECT_EQ(printf_of(u8, Event(0, 16).set<uint8_t>(8, 'A'), "%3c"), "<  A>");
  EXPECT_EQ(printf_of(u8, Event(0, 16).set<uint8_t>(8, 'A'), "%-3c"), "<A  >");
  EXPECT_EQ(printf_of(u8, Event(0, 16).set<uint8_t>(8, 1), "%c"), "<\\x01>");
  EXPECT_EQ(printf_of(u32, Event(0, 16).set<uint32_t>(8, 0x141), "%c"), "<A>");

  Column ptr = column("p", ColumnKind::Pointer, 8, 8);
  EXPECT_EQ(printf_of(ptr, Event(0, 16).set<uint64_t>(8, 0xffff88810a2b3c00),
                      "%p"),
            "<0xffff88810a2b3c00>");
  EXPECT_EQ(printf_of(ptr, Event(0, 16), "%p"), "<0x0>");
  EXPECT_EQ(printf_of(ptr, Event(0, 16).set<uint64_t>(8, 16), "%8p"),
            "<    0x10>");
  EXPECT_EQ(printf_of(ptr, Event(0, 16).set<uint64_t>(8, 16), "%-8p"),
            "<0x10    >");
  EXPECT_EQ(printf_of(ptr, Event(0, 16).set<uint64_t>(8, 16), "%x"), "<10>");
}

TEST(Printf, StringConversionIsTheRowText) {
  Column reason = reason_column(8);
  EXPECT_EQ(printf_of(reason, Event(0, 16).set<uint32_t>(8, 2), "%s"),
            "<UKEY_MODIFY>");
  EXPECT_EQ(printf_of(reason, Event(0, 16).set<uint32_t>(8, 9), "%s"), "<9>");
  EXPECT_EQ(printf_of(reason, Event(0, 16), "%-12s"), "<UKEY_KEEP   >");
  EXPECT_EQ(printf_of(reason, Event(0, 16), "%12s"), "<   UKEY_KEEP>");
  EXPECT_EQ(printf_of(reason, Event(0, 16), "%.4s"), "<UKEY>");
  EXPECT_EQ(printf_of(reason, Event(0, 16).set<uint32_t>(8, 1), "%d"), "<1>");

  Column ufid = column("ufid", ColumnKind::Ufid, 8, 16);
  Event u = Event(0, 24).set<uint32_t>(8, 0x8c92d6db).set<uint32_t>(12, 0x06ec405b);
  u.set<uint32_t>(16, 0x992fe23f).set<uint32_t>(20, 0x0bb65697);
  const std::string text = "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697";
  EXPECT_EQ(printf_of(ufid, u, "%s"), "<" + text + ">");
  EXPECT_EQ(printf_of(ufid, u, "%45s"), "<    " + text + ">");
  EXPECT_EQ(printf_of(ufid, u, "%d"), "<" + text + ">");  // not a number: %s

  Column flag = column("ok", ColumnKind::Bool, 8, 1);
  EXPECT_EQ(printf_of(flag, Event(0, 16).set<uint8_t>(8, 1), "%s"), "<true>");
  EXPECT_EQ(printf_of(flag, Event(0, 16), "%6s"), "< false>");
  EXPECT_EQ(printf_of(flag, Event(0, 16).set<uint8_t>(8, 1), "%d"), "<1>");

  Column name = column("name", ColumnKind::String, 8, 8);
  EXPECT_EQ(printf_of(name, Event(0, 16).text(8, "br0"), "%s"), "<br0>");
  EXPECT_EQ(printf_of(name, Event(0, 16).text(8, "br0"), "%-6s"), "<br0   >");
  EXPECT_EQ(printf_of(name, Event(0, 16).text(8, "br0"), "%.2s"), "<br>");
  EXPECT_EQ(printf_of(name, Event(0, 16).text(8, "12345678"), "%s"),
            "<12345678>");
  EXPECT_EQ(printf_of(name, Event(0, 16).text(8, "a\x01"), "%s"), "<a\\x01>");

  Column ptr = column("p", ColumnKind::Pointer, 8, 8);
  EXPECT_EQ(printf_of(ptr, Event(0, 16).set<uint64_t>(8, 255), "%s"), "<0xff>");
}

TEST(Printf, ConversionsAreRebuiltNotTrusted) {
  Column u32 = column("x", ColumnKind::Unsigned, 8, 4);
  Event seven = Event(0, 16).set<uint32_t>(8, 7);
  EXPECT_EQ(printf_of(u32, seven, "%n"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%f"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "junk"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%*d"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%.*d"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%s%n%s"), "<7>");
  EXPECT_EQ(printf_of(u32, seven, "%-0+ #3d"), "<+7 >");
  EXPECT_EQ(printf_of(u32, seven, "%99999999999999999999d"),
            "<" + std::string(999, ' ') + "7>");  // width capped at 1000
  EXPECT_EQ(printf_of(u32, seven, "%.5000d").size(), 1002u);

  // A piece naming a column that does not exist: its literal only.
  EventLayout layout = printf_layout(0, {piece("a", 3, "%d"), piece("b\n", -1, "")},
                                     {u32});
  Capture c(OutputFormat::Text, {layout});
  EXPECT_TRUE(c->event(seven.bytes));
  EXPECT_EQ(c.out.str(), "ab\n");
}

TEST(Printf, SeveralPiecesMakeOneLine) {
  EventLayout layout = printf_layout(
      0,
      {piece("flow ", 0, "%s"), piece(" on port ", 1, "%-4u"), piece("(", 2, "%#x"),
       piece(")\n", -1, "")},
      {reason_column(8), column("port", ColumnKind::Unsigned, 12, 4),
       column("skb", ColumnKind::Pointer, 16, 8)},
      24);
  Capture c(OutputFormat::Text, {layout});
  c->start();
  EXPECT_TRUE(c->event(Event(0, 24)
                           .set<uint32_t>(8, 1)
                           .set<uint32_t>(12, 22)
                           .set<uint64_t>(16, 0xab)
                           .bytes));
  EXPECT_EQ(c.out.str(), "flow UKEY_DELETE on port 22  (0xab)\n");
}

// ---- aggregations in text ---------------------------------------------------

class TextAggregations : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz) saved_tz_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_)
      setenv("TZ", saved_tz_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

  std::string text_of(const std::vector<AggregationTable>& tables,
                      uint64_t interval = 0) {
    Capture c(OutputFormat::Text, {});
    c->start();
    c->aggregations(Moment{test_time(), interval}, tables);
    EXPECT_EQ(c.err.str(), "");
    return c.out.str();
  }

 private:
  bool had_tz_ = false;
  std::string saved_tz_;
};

AggregationMap flows_map() {
  return aggregation(
      "@flows", AggregationKind::Count,
      {enum_column("reason", 0, 4, {{1, "IDLE"}, {2, "TOO_EXPENSIVE"}}),
       column("port", ColumnKind::Unsigned, 8, 4)},
      16);
}

std::vector<RawEntry> flows_entries() {
  return {entry(words({1, 1}), words({100, 20})),
          entry(words({2, 22}), words({7, 0})),
          entry(words({1, 3}), words({0, 7}))};
}

TEST_F(TextAggregations, ValueTableWithKeys) {
  AggregationMap map = flows_map();
  EXPECT_EQ(text_of({decode_aggregation(map, flows_entries(), 2)}),
            "@flows\n"
            "reason         port  count\n"
            "IDLE              1    120\n"
            "IDLE              3      7\n"
            "TOO_EXPENSIVE    22      7\n"
            "\n");
}

TEST_F(TextAggregations, IntervalHeaderThenEveryTable) {
  AggregationMap flows = flows_map();
  AggregationMap total = aggregation("@total", AggregationKind::Sum, {}, 8);
  AggregationMap none = aggregation("count by port", AggregationKind::Count,
                                    {column("port", ColumnKind::Unsigned, 0, 4)},
                                    8);
  std::vector<RawEntry> sum = {
      entry(words({0}), words({static_cast<uint64_t>(-12), 2}))};
  std::vector<AggregationTable> tables = {
      decode_aggregation(flows, flows_entries(), 2),
      decode_aggregation(total, sum, 2), decode_aggregation(none, {}, 2)};
  EXPECT_EQ(text_of(tables, 3),
            "-- 14:03:07 (interval 3) --\n"
            "@flows\n"
            "reason         port  count\n"
            "IDLE              1    120\n"
            "IDLE              3      7\n"
            "TOO_EXPENSIVE    22      7\n"
            "\n"
            "@total\n"
            "-10\n"
            "\n"
            "count by port\n"
            "(no entries)\n"
            "\n");
  // At the end of the run: no header line.
  EXPECT_EQ(text_of({decode_aggregation(total, sum, 2)}, 0), "@total\n-10\n\n");
}

TEST_F(TextAggregations, AvgHasAvgAndCount) {
  AggregationMap map = aggregation(
      "@lat", AggregationKind::Avg,
      {column("port", ColumnKind::Unsigned, 0, 8)}, 8);
  std::vector<RawEntry> entries = {
      entry(words({1}), words({10, 2, 5, 1})),
      entry(words({2}), words({static_cast<uint64_t>(-7), 2, 0, 0}))};
  EXPECT_EQ(text_of({decode_aggregation(map, entries, 2)}),
            "@lat\n"
            "port  avg  count\n"
            "   1    5      3\n"
            "   2   -3      2\n"
            "\n");
  AggregationMap nokey = aggregation("@a", AggregationKind::Avg, {}, 8);
  EXPECT_EQ(text_of({decode_aggregation(
                nokey, std::vector<RawEntry>{entry(words({0}), words({15, 3}))},
                1)}),
            "@a\n5 (count 3)\n\n");
}

TEST_F(TextAggregations, MinMaxAndTextKeysLeftAligned) {
  AggregationMap map = aggregation(
      "@worst", AggregationKind::Max,
      {column("dev", ColumnKind::String, 0, 8),
       column("delta", ColumnKind::Signed, 8, 8)},
      16);
  auto key = [](std::string_view dev, int64_t delta) {
    return Bytes(16).text(0, dev).set(8, delta).bytes;
  };
  std::vector<RawEntry> entries = {
      entry(key("eth0", -1), words({0, 0, 9, 1})),
      entry(key("br-int", 5), words({1000, 2, 3, 1}))};
  EXPECT_EQ(text_of({decode_aggregation(map, entries, 2)}),
            "@worst\n"
            "dev     delta   max\n"
            "br-int      5  1000\n"
            "eth0       -1     9\n"
            "\n");
}

TEST_F(TextAggregations, HistogramBars) {
  AggregationMap map = aggregation("@h", AggregationKind::Hist, {}, 8);
  std::vector<RawEntry> entries = {entry(words({0}), bucket_counts({1})),
                                   entry(words({2}), bucket_counts({2})),
                                   entry(words({3}), bucket_counts({104}))};
  EXPECT_EQ(text_of({decode_aggregation(map, entries, 1)}),
            "@h\n"
            "(..., 0)    1" + bar(1) + "\n"   // less than one '@': one
            "[0]         0" + bar(0) + "\n"
            "[1]         2" + bar(1) + "\n"
            "[2, 4)    104" + bar(52) + "\n"
            "\n");
}

TEST_F(TextAggregations, HistogramPerKeyWithPowerOf1024Labels) {
  AggregationMap map = aggregation(
      "@sizes", AggregationKind::Hist,
      {enum_column("reason", 0, 4, {{1, "IDLE"}, {2, "TOO_EXPENSIVE"}}),
       column("port", ColumnKind::Unsigned, 8, 4)},
      24);
  std::vector<RawEntry> entries = {
      entry(words({1, 3, 12}), bucket_counts({5})),   // [1K, 2K)
      entry(words({1, 3, 13}), bucket_counts({10})),  // [2K, 4K)
      entry(words({2, 1, 22}), bucket_counts({1})),   // [1M, 2M)
      entry(words({2, 1, 42}), bucket_counts({1})),   // [1T, 2T)... 21 buckets on
      entry(words({2, 2, 64}), bucket_counts({3})),   // [4E, ...)
  };
  std::string out = text_of({decode_aggregation(map, entries, 1)});
  // Labels padded to the widest ("[128M, 256M)"), counts to the widest.
  auto line = [](std::string label, std::string count, size_t n) {
    return label + std::string(12 - label.size(), ' ') + "  " +
           std::string(2 - count.size(), ' ') + count + bar(n) + "\n";
  };
  std::string expected = "@sizes\n"
                         "reason = IDLE, port = 3\n" +
                         line("[1K, 2K)", "5", 26) + line("[2K, 4K)", "10", 52) +
                         "reason = TOO_EXPENSIVE, port = 1\n" +
                         line("[1M, 2M)", "1", 52) + line("[2M, 4M)", "0", 0);
  ASSERT_EQ(out.substr(0, expected.size()), expected);
  EXPECT_NE(out.find(line("[128M, 256M)", "0", 0)), std::string::npos);
  EXPECT_NE(out.find(line("[512G, 1T)", "0", 0) + line("[1T, 2T)", "1", 52) +
                     "reason = TOO_EXPENSIVE, port = 2\n" +
                     line("[4E, ...)", "3", 52) + "\n"),
            std::string::npos);
  EXPECT_TRUE(out.ends_with(line("[4E, ...)", "3", 52) + "\n"));
}

TEST_F(TextAggregations, LinearHistogramLabels) {
  AggregationMap map = aggregation("@l", AggregationKind::Lhist, {}, 8);
  map.lhist_min = -10;
  map.lhist_max = 2000;
  map.lhist_step = 1000;
  std::vector<RawEntry> entries = {
      entry(words({0}), bucket_counts({4})), entry(words({1}), bucket_counts({2})),
      entry(words({3}), bucket_counts({1}))};
  EXPECT_EQ(text_of({decode_aggregation(map, entries, 1)}),
            "@l\n"
            "(..., -10)   4" + bar(52) + "\n"
            "[-10, 990)   2" + bar(26) + "\n"
            "[990, 1990)  0" + bar(0) + "\n"
            "[1990, ...)  1" + bar(13) + "\n"
            "\n");
}

// ---- status lines -----------------------------------------------------------

std::string lost_of(OutputFormat format, LostReport report) {
  Capture c(format, {});
  c->lost(report);
  EXPECT_EQ(c.out.str(), "");
  return c.err.str();
}

TEST(StatusLines, LostEventsGoToTheErrorStream) {
  for (OutputFormat format : {OutputFormat::Text, OutputFormat::Csv}) {
    Moment at{test_time(), 2};
    EXPECT_EQ(lost_of(format, {at, 5, {2, 0, 3}, false}),
              "Lost 5 events in the last interval (cpu 0: 2, cpu 2: 3).\n");
    EXPECT_EQ(lost_of(format, {at, 1, {0, 1}, false}),
              "Lost 1 event in the last interval (cpu 1: 1).\n");
    EXPECT_EQ(lost_of(format, {at, 0, {0, 0}, false}), "");
    at.interval = 0;
    EXPECT_EQ(lost_of(format, {at, 1, {0, 1}, true}),
              "Lost 1 event (ring buffer full).\n");
    EXPECT_EQ(lost_of(format, {at, 12, {5, 7}, true}),
              "Lost 12 events (ring buffer full) (cpu 0: 5, cpu 1: 7).\n");
    EXPECT_EQ(lost_of(format, {at, 12, {0, 12, 0}, true}),
              "Lost 12 events (ring buffer full).\n");
    EXPECT_EQ(lost_of(format, {at, 0, {0, 0}, true}), "");
  }
}

TEST(StatusLines, FullMapsAndErrors) {
  MapUpdateSite site{"@born", "flow.ovsq:3:5", 10240};
  for (OutputFormat format : {OutputFormat::Text, OutputFormat::Csv}) {
    Capture c(format, {});
    c->map_full({&site, 17});
    c->map_full({&site, 1});
    c->map_full({&site, 0});
    c->error("cannot read the map");
    c->flush();
    EXPECT_EQ(c.out.str(), "");
    EXPECT_EQ(c.err.str(),
              "Map @born is full (10240 entries): 17 updates dropped at "
              "flow.ovsq:3:5.\n"
              "Map @born is full (10240 entries): 1 update dropped at "
              "flow.ovsq:3:5.\n");
  }
}

// ---- JSON -------------------------------------------------------------------

EventLayout every_kind_layout() {
  EventLayout layout;
  layout.id = 0;
  layout.label = "revalidate:flow_result";
  layout.size = 72;
  layout.columns = {
      column("n", ColumnKind::Unsigned, 8, 8),
      column("delta", ColumnKind::Signed, 16, 4),
      column("ok", ColumnKind::Bool, 20, 1),
      reason_column(24),
      column("skb", ColumnKind::Pointer, 32, 8),
      column("ufid", ColumnKind::Ufid, 40, 16),
      column("name", ColumnKind::String, 56, 8),
      column("n", ColumnKind::Unsigned, 64, 1),  // duplicate header
      column("n", ColumnKind::Unsigned, 65, 1),
  };
  return layout;
}

TEST(JsonOutput, EventsHaveEveryField) {
  Capture c(OutputFormat::Json, {every_kind_layout()});
  c->start();
  EXPECT_EQ(c.out.str(), "");
  Event e(0, 72);
  e.set<uint64_t>(8, UINT64_MAX).set<int32_t>(16, -2147483648).set<uint8_t>(20, 1);
  e.set<uint32_t>(24, 1).set<uint64_t>(32, 0xffff88810a2b3c00);
  e.set<uint32_t>(40, 0x8c92d6db).set<uint32_t>(44, 0x06ec405b);
  e.set<uint32_t>(48, 0x992fe23f).set<uint32_t>(52, 0x0bb65697);
  e.text(56, "a\"\\\x01").set<uint8_t>(64, 2).set<uint8_t>(65, 3);
  ASSERT_TRUE(c->event(e.bytes));
  Event zero(0, 72);
  zero.set<uint32_t>(24, 7);
  ASSERT_TRUE(c->event(zero.bytes));
  c->flush();

  std::string text = c.out.str();
  EXPECT_NE(text.find("\"n\":18446744073709551615,"), std::string::npos);
  std::vector<json> lines = json_lines(text);
  ASSERT_EQ(lines.size(), 2u);
  const json& j = lines[0];
  EXPECT_EQ(j["type"], "event");
  EXPECT_EQ(j["clause"], "revalidate:flow_result");
  const json& f = j["fields"];
  ASSERT_EQ(f.size(), 9u);
  EXPECT_TRUE(f["n"].is_number_unsigned());
  EXPECT_EQ(f["n"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(f["delta"].get<int64_t>(), -2147483648);
  EXPECT_EQ(f["ok"], true);
  EXPECT_EQ(f["reason"], "UKEY_DELETE");
  EXPECT_EQ(f["skb"], "0xffff88810a2b3c00");
  EXPECT_EQ(f["ufid"], "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697");
  EXPECT_EQ(f["name"], "a\"\\\\x01");  // the row's text, JSON-escaped
  EXPECT_EQ(f["n#2"], 2);
  EXPECT_EQ(f["n#3"], 3);

  const json& z = lines[1]["fields"];
  EXPECT_EQ(z["n"], 0);
  EXPECT_EQ(z["ok"], false);
  EXPECT_EQ(z["reason"], "7");  // no enumerator: the number, still a string
  EXPECT_EQ(z["skb"], "0x0");
  EXPECT_EQ(z["name"], "");
}

TEST(JsonOutput, DuplicateHeadersStayUnique) {
  EventLayout layout;
  layout.size = 16;
  layout.columns = {column("a", ColumnKind::Unsigned, 8, 1),
                    column("a", ColumnKind::Unsigned, 9, 1),
                    column("a#2", ColumnKind::Unsigned, 10, 1)};
  Capture c(OutputFormat::Json, {layout});
  ASSERT_TRUE(c->event(Event(0, 16).set<uint8_t>(8, 1).set<uint8_t>(9, 2)
                           .set<uint8_t>(10, 3).bytes));
  json j = json_lines(c.out.str()).at(0);
  EXPECT_EQ(j["clause"], "#0");  // no label
  EXPECT_EQ(j["fields"], json::parse(R"({"a":1,"a#3":2,"a#2":3})"));
}

TEST(JsonOutput, StringsAreEscapedAndAlwaysValidUtf8) {
  EventLayout layout = port_layout(0, "say \"hi\"\t\x01 caf\xc3\xa9 \xff\xc3 \xed\xa0\x80");
  Capture c(OutputFormat::Json, {layout});
  ASSERT_TRUE(c->event(Event(0, 16).bytes));
  std::string line = c.out.str();
  EXPECT_EQ(line,
            "{\"type\":\"event\",\"clause\":\"say \\\"hi\\\"\\t\\u0001 caf\xc3\xa9"
            " \\u00ff\\u00c3 \\u00ed\\u00a0\\u0080\",\"fields\":{\"port\":0}}\n");
  json j = json_lines(line).at(0);
  EXPECT_EQ(j["clause"],
            "say \"hi\"\t\x01 caf\xc3\xa9 \xc3\xbf\xc3\x83 \xc3\xad\xc2\xa0\xc2\x80");
}

TEST(JsonOutput, PrintfRecords) {
  EventLayout layout = printf_layout(
      3, {piece("port ", 0, "%u"), piece(" is \"up\"\n", -1, "")},
      {column("port", ColumnKind::Unsigned, 8, 4)});
  layout.label = "upcall:recv";
  Capture c(OutputFormat::Json, {port_layout(0, "x"), layout});
  ASSERT_TRUE(c->event(Event(3, 16).set<uint32_t>(8, 7).bytes));
  std::vector<json> lines = json_lines(c.out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], json::parse(R"({"type":"printf","clause":"upcall:recv",
                                      "text":"port 7 is \"up\"\n"})"));
}

TEST(JsonOutput, Aggregations) {
  AggregationMap flows = flows_map();
  AggregationMap big = aggregation("count, by \"port\"", AggregationKind::Count,
                                   {column("port", ColumnKind::Unsigned, 0, 8)},
                                   8);
  AggregationMap avg = aggregation("@lat", AggregationKind::Avg,
                                   {column("dev", ColumnKind::String, 0, 8)},
                                   8);
  AggregationMap empty = aggregation("@none", AggregationKind::Max, {}, 8);
  std::vector<RawEntry> big_entries = {entry(words({1}), words({UINT64_MAX}))};
  std::vector<RawEntry> avg_entries = {
      entry(Bytes(8).text(0, "br0").bytes,
            words({static_cast<uint64_t>(-9), 2}))};
  std::vector<AggregationTable> tables = {
      decode_aggregation(flows, flows_entries(), 2),
      decode_aggregation(big, big_entries, 1),
      decode_aggregation(avg, avg_entries, 1), decode_aggregation(empty, {}, 1)};

  Capture c(OutputFormat::Json, {});
  c->aggregations(Moment{test_time(), 3}, tables);
  std::vector<json> lines = json_lines(c.out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], json::parse(R"({
      "type":"aggregation","name":"@flows","function":"count","interval":3,
      "time":"2026-11-25T14:03:07.123Z","keys":["reason","port"],
      "rows":[{"key":["IDLE",1],"value":120},{"key":["IDLE",3],"value":7},
              {"key":["TOO_EXPENSIVE",22],"value":7}]})"));
  EXPECT_EQ(lines[1]["name"], "count, by \"port\"");
  EXPECT_EQ(lines[1]["rows"][0]["value"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(lines[2], json::parse(R"({
      "type":"aggregation","name":"@lat","function":"avg","interval":3,
      "time":"2026-11-25T14:03:07.123Z","keys":["dev"],
      "rows":[{"key":["br0"],"value":-4,"count":2}]})"));
  EXPECT_EQ(lines[3], json::parse(R"({
      "type":"aggregation","name":"@none","function":"max","interval":3,
      "time":"2026-11-25T14:03:07.123Z","keys":[],"rows":[]})"));
}

// A followed run that counted several vswitchds one after another names
// the process of each set of tables: a line in text, a field in json, a
// column in csv; at the end of the run and at each interval.
TEST_F(TextAggregations, NamedProcess) {
  AggregationMap total = aggregation("@total", AggregationKind::Sum, {}, 8);
  std::vector<RawEntry> five = {entry(words({0}), words({5}))};
  std::vector<AggregationTable> tables = {decode_aggregation(total, five, 1)};
  std::string text;
  for (uint64_t interval : {0, 2}) {
    Capture c(OutputFormat::Text, {});
    c->aggregations(Moment{test_time(), interval, 4242}, tables);
    text += c.out.str();
  }
  EXPECT_EQ(text,
            "-- PID 4242 --\n@total\n5\n\n"
            "-- 14:03:07 (interval 2, PID 4242) --\n@total\n5\n\n");

  Capture json_capture(OutputFormat::Json, {});
  json_capture->aggregations(Moment{test_time(), 0, 4242}, tables);
  EXPECT_EQ(json_lines(json_capture.out.str()).at(0), json::parse(R"({
      "type":"aggregation","name":"@total","function":"sum","interval":0,
      "pid":4242,"time":"2026-11-25T14:03:07.123Z","keys":[],
      "rows":[{"key":[],"value":5}]})"));

  Capture csv_capture(OutputFormat::Csv, {});
  csv_capture->aggregations(Moment{test_time(), 0, 4242}, tables);
  EXPECT_EQ(csv_capture.out.str(),
            "\nname,interval,time,pid,sum\n"
            "@total,0,2026-11-25T14:03:07.123Z,4242,5\n");
}

TEST(JsonOutput, Histograms) {
  AggregationMap hist = aggregation(
      "@h", AggregationKind::Hist,
      {column("port", ColumnKind::Unsigned, 0, 4)}, 16);
  AggregationMap lhist = aggregation("@l", AggregationKind::Lhist, {}, 8);
  lhist.lhist_min = 0;
  lhist.lhist_max = 20;
  lhist.lhist_step = 10;
  std::vector<RawEntry> h = {entry(words({5, 0}), bucket_counts({1})),
                             entry(words({5, 3}), bucket_counts({2}))};
  std::vector<RawEntry> l = {entry(words({2}), bucket_counts({4})),
                             entry(words({3}), bucket_counts({6}))};
  Capture c(OutputFormat::Json, {});
  c->aggregations(Moment{test_time(), 0},
                  std::vector<AggregationTable>{decode_aggregation(hist, h, 1),
                                                decode_aggregation(lhist, l, 1)});
  std::vector<json> lines = json_lines(c.out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], json::parse(R"({
      "type":"histogram","name":"@h","function":"hist","interval":0,
      "time":"2026-11-25T14:03:07.123Z","keys":["port"],
      "rows":[{"key":[5],"buckets":[{"high":0,"count":1},
                                    {"low":0,"high":1,"count":0},
                                    {"low":1,"high":2,"count":0},
                                    {"low":2,"high":4,"count":2}]}]})"));
  EXPECT_EQ(lines[1], json::parse(R"({
      "type":"histogram","name":"@l","function":"lhist","interval":0,
      "time":"2026-11-25T14:03:07.123Z","keys":[],
      "rows":[{"key":[],"buckets":[{"low":10,"high":20,"count":4},
                                   {"low":20,"count":6}]}]})"));
}

TEST(JsonOutput, LostMapFullAndErrors) {
  MapUpdateSite site{"@born", "flow.ovsq:3:5", 10240};
  Capture c(OutputFormat::Json, {});
  c->lost({Moment{test_time(), 1}, 0, {0, 0}, false});  // nothing lost: nothing
  c->lost({Moment{test_time(), 2}, 5, {2, 3}, false});
  c->lost({Moment{test_time(), 0}, 0, {0, 0}, true});  // final: always
  c->map_full({&site, 17});
  c->error("cannot read map \"@born\"\n");
  c->flush();
  EXPECT_EQ(c.err.str(), "");
  std::vector<json> lines = json_lines(c.out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], json::parse(R"({"type":"lost","interval":2,
      "time":"2026-11-25T14:03:07.123Z","count":5,"per_cpu":[2,3],
      "final":false})"));
  EXPECT_EQ(lines[1], json::parse(R"({"type":"lost","interval":0,
      "time":"2026-11-25T14:03:07.123Z","count":0,"per_cpu":[0,0],
      "final":true})"));
  EXPECT_EQ(lines[2], json::parse(R"({"type":"map_full","map":"@born",
      "where":"flow.ovsq:3:5","max_entries":10240,"dropped":17})"));
  EXPECT_EQ(lines[3], json::parse(R"({"type":"error",
      "message":"cannot read map \"@born\"\n"})"));
}

// ---- CSV --------------------------------------------------------------------

TEST(CsvOutput, OneRowLayoutAndQuoting) {
  EventLayout layout;
  layout.size = 24;
  layout.columns = {column("name", ColumnKind::String, 8, 8),
                    column("port", ColumnKind::Unsigned, 16, 4),
                    column("say \"x\", y", ColumnKind::Bool, 20, 1)};
  EventLayout text = printf_layout(
      1, {piece("a,", 0, "%u"), piece("\nb \"q\"\n", -1, "")},
      {column("n", ColumnKind::Unsigned, 8, 4)});
  EventLayout plain = printf_layout(2, {piece("plain text", -1, "")}, {});
  Capture c(OutputFormat::Csv, {layout, text, plain});
  c->start();
  ASSERT_TRUE(c->event(Event(0, 24).text(8, "a,b").set<uint32_t>(16, 3).bytes));
  ASSERT_TRUE(c->event(Event(0, 24).text(8, "q\"").set<uint8_t>(20, 1).bytes));
  ASSERT_TRUE(c->event(Event(0, 24).text(8, "\r\n").bytes));
  ASSERT_TRUE(c->event(Event(1, 16).set<uint32_t>(8, 5).bytes));
  ASSERT_TRUE(c->event(Event(2, 16).bytes));
  EXPECT_EQ(c.out.str(),
            "name,port,\"say \"\"x\"\", y\"\n"
            "\"a,b\",3,false\n"
            "\"q\"\"\",0,true\n"
            "\\x0d\\x0a,0,false\n"
            "\"a,5\nb \"\"q\"\"\"\n"
            "plain text\n");
}

TEST(CsvOutput, SeveralRowLayoutsStartWithTheirLabel) {
  EventLayout hits;
  hits.id = 1;
  hits.label = "upcall:a,b";
  hits.size = 16;
  hits.columns = {column("hit", ColumnKind::Bool, 8, 1),
                  column("len", ColumnKind::Unsigned, 10, 2)};
  Capture c(OutputFormat::Csv, {port_layout(0, "upcall:recv"), hits});
  c->start();
  ASSERT_TRUE(c->event(Event(1, 16).set<uint8_t>(8, 1).set<uint16_t>(10, 1500).bytes));
  ASSERT_TRUE(c->event(Event(0, 16).set<uint32_t>(8, 3).bytes));
  EXPECT_EQ(c.out.str(),
            "upcall:recv,port\n"
            "\"upcall:a,b\",hit,len\n"
            "\"upcall:a,b\",true,1500\n"
            "upcall:recv,3\n");
}

TEST(CsvOutput, AggregationTablesThenEventsResume) {
  AggregationMap flows = flows_map();
  AggregationMap avg = aggregation("@lat", AggregationKind::Avg, {}, 8);
  AggregationMap hist = aggregation("@h, sizes", AggregationKind::Hist, {}, 8);
  std::vector<RawEntry> avg_entries = {entry(words({0}), words({10, 4}))};
  std::vector<RawEntry> hist_entries = {entry(words({0}), bucket_counts({1})),
                                        entry(words({2}), bucket_counts({3})),
                                        entry(words({64}), bucket_counts({1}))};
  std::vector<AggregationTable> tables = {
      decode_aggregation(flows, flows_entries(), 2),
      decode_aggregation(avg, avg_entries, 1),
      decode_aggregation(hist, hist_entries, 1)};
  tables[2].rows[0].buckets.resize(3);  // keep the test short
  tables[2].rows[0].buckets.push_back(
      decode_aggregation(hist, hist_entries, 1).rows[0].buckets.back());

  Capture c(OutputFormat::Csv, {port_layout(0, "x")});
  c->start();
  ASSERT_TRUE(c->event(Event(0, 16).set<uint32_t>(8, 1).bytes));
  c->aggregations(Moment{test_time(), 4}, tables);
  ASSERT_TRUE(c->event(Event(0, 16).set<uint32_t>(8, 2).bytes));
  const std::string t = "2026-11-25T14:03:07.123Z";
  EXPECT_EQ(c.out.str(),
            "port\n"
            "1\n"
            "\n"
            "name,interval,time,reason,port,count\n"
            "@flows,4," + t + ",IDLE,1,120\n"
            "@flows,4," + t + ",IDLE,3,7\n"
            "@flows,4," + t + ",TOO_EXPENSIVE,22,7\n"
            "\n"
            "name,interval,time,avg,count\n"
            "@lat,4," + t + ",2,4\n"
            "\n"
            "name,interval,time,low,high,count\n"
            "\"@h, sizes\",4," + t + ",,0,1\n"
            "\"@h, sizes\",4," + t + ",0,1,0\n"
            "\"@h, sizes\",4," + t + ",1,2,3\n"
            "\"@h, sizes\",4," + t + ",4611686018427387904,,1\n"
            "\n"
            "port\n"
            "2\n");
}

// Address and flow-key columns as every format prints them (value_text).
TEST(ValueText, AddressesAndFlowKeys) {
  uint8_t ipv4[4] = {192, 168, 10, 10};
  uint8_t ipv6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  uint8_t mac[6] = {0x0e, 0x04, 0x47, 0xfc, 0x74, 0x51};
  EXPECT_EQ(value_text(column("a", ColumnKind::Ipv4, 0, 4), ipv4), "192.168.10.10");
  EXPECT_EQ(value_text(column("a", ColumnKind::Ipv6, 0, 16), ipv6), "2001:db8::1");
  EXPECT_EQ(value_text(column("a", ColumnKind::Mac, 0, 6), mac), "0e:04:47:fc:74:51");

  // u64 key_len, u32 copied, u32 pad, then the bytes: in_port(2), then a
  // second attribute the 16-byte copy cuts.
  Column key = column("key", ColumnKind::FlowKey, 0, 16 + 16);
  uint8_t event[32] = {};
  event[0] = 20;  // key_len
  event[8] = 16;  // copied
  const uint8_t attrs[16] = {8, 0, OVS_KEY_ATTR_IN_PORT, 0, 2, 0, 0, 0,
                             12, 0, OVS_KEY_ATTR_ETHERNET, 0, 1, 2, 3, 4};
  std::memcpy(event + 16, attrs, sizeof attrs);
  EXPECT_EQ(value_text(key, event), "in_port(2),...(truncated: 16 of 20 bytes)");
  event[8] = 0;  // the read failed
  EXPECT_EQ(value_text(key, event), "(key unreadable: 20 bytes)");
  event[0] = 0;
  EXPECT_EQ(value_text(key, event), "(empty key)");
}

}  // namespace
}  // namespace ovsq::runtime
