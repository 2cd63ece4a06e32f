#include "runtime/event_printer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "output_test_util.h"

namespace ovsq::runtime {
namespace {

using test::column;
using test::piece;
using test::Event;

std::string header_of(const std::vector<EventLayout>& layouts) {
  EventPrinter printer(layouts);
  std::ostringstream out;
  printer.print_header(out);
  return out.str();
}

std::string rows_of(const std::vector<EventLayout>& layouts,
                    const std::vector<Event>& events) {
  EventPrinter printer(layouts);
  std::ostringstream out;
  for (const Event& e : events) EXPECT_TRUE(printer.print_event(e.bytes, out));
  return out.str();
}

EventLayout ufid_layout() {
  EventLayout layout;
  layout.size = 24;
  layout.columns = {column("ufid", ColumnKind::Ufid, 8, 16)};
  return layout;
}

TEST(EventPrinter, FormatsUfidAsOvsDoes) {
  Event e(0, 24);
  e.set<uint32_t>(8, 0x8c92d6db).set<uint32_t>(12, 0x06ec405b);
  e.set<uint32_t>(16, 0x992fe23f).set<uint32_t>(20, 0x0bb65697);
  EXPECT_EQ(header_of({ufid_layout()}), "ufid\n");
  EXPECT_EQ(rows_of({ufid_layout()}, {e}),
            "ufid:8c92d6db-06ec-405b-992f-e23f0bb65697\n");
  EXPECT_EQ(rows_of({ufid_layout()}, {Event(0, 24)}),
            "ufid:00000000-0000-0000-0000-000000000000\n");
}

TEST(EventPrinter, WidthsComeFromKindAndSizeButFitTheHeader) {
  auto width = [](ColumnKind kind, uint32_t size, std::string header = "h") {
    return column_width(column(header, kind, 8, size));
  };
  EXPECT_EQ(width(ColumnKind::Unsigned, 1), 3u);
  EXPECT_EQ(width(ColumnKind::Unsigned, 2), 5u);
  EXPECT_EQ(width(ColumnKind::Unsigned, 4), 10u);
  EXPECT_EQ(width(ColumnKind::Unsigned, 8), 20u);
  EXPECT_EQ(width(ColumnKind::Signed, 1), 4u);
  EXPECT_EQ(width(ColumnKind::Signed, 2), 6u);
  EXPECT_EQ(width(ColumnKind::Signed, 4), 11u);
  EXPECT_EQ(width(ColumnKind::Signed, 8), 20u);
  EXPECT_EQ(width(ColumnKind::Bool, 1), 5u);
  EXPECT_EQ(width(ColumnKind::Pointer, 8), 18u);
  EXPECT_EQ(width(ColumnKind::Ufid, 16), 41u);
  EXPECT_EQ(width(ColumnKind::Unsigned, 1, "n_packets"), 9u);
  EXPECT_EQ(width(ColumnKind::Bool, 1, "may_put"), 7u);

  Column e = column("r", ColumnKind::Enum, 8, 4);
  e.enumerators = {{0, "KEEP"}, {1, "DELETE"}};
  EXPECT_EQ(column_width(e), 6u);
  e.header = "ukey_result";
  EXPECT_EQ(column_width(e), 11u);
}

// Every kind, numbers right-aligned and text left-aligned under the header.
EventLayout all_kinds_layout() {
  EventLayout layout;
  layout.size = 56;
  Column reason = column("reason", ColumnKind::Enum, 16, 4);
  reason.enumerators = {{0, "UKEY_KEEP"}, {1, "UKEY_DELETE"}, {2, "UKEY_MODIFY"}};
  layout.columns = {
      column("port", ColumnKind::Unsigned, 8, 1),     // width 4
      column("delta", ColumnKind::Signed, 10, 2),     // width 6
      column("ok", ColumnKind::Bool, 12, 1),          // width 5
      reason,                                         // width 11
      column("skb", ColumnKind::Pointer, 24, 8),      // width 18
      column("n_packets", ColumnKind::Unsigned, 32, 8),  // width 20
      column("x", ColumnKind::Signed, 20, 4),         // width 11
      column("ufid", ColumnKind::Ufid, 40, 16),       // last: not padded
  };
  return layout;
}

TEST(EventPrinter, AlignsEveryKindUnderTheHeader) {
  EXPECT_EQ(header_of({all_kinds_layout()}),
            "port   delta  ok     reason                      skb"
            "             n_packets            x  ufid\n");

  Event max(0, 56);
  max.set<uint8_t>(8, 255).set<int16_t>(10, -32768).set<uint8_t>(12, 1);
  max.set<uint32_t>(16, 1).set<uint64_t>(24, 0xffff88810a2b3c00);
  max.set<uint64_t>(32, UINT64_MAX).set<int32_t>(20, -1);
  max.set<uint32_t>(40, 0x8c92d6db).set<uint32_t>(44, 0x06ec405b);
  max.set<uint32_t>(48, 0x992fe23f).set<uint32_t>(52, 0x0bb65697);
  Event small(0, 56);
  small.set<uint8_t>(8, 7).set<int16_t>(10, 12).set<uint32_t>(16, 9);
  small.set<int32_t>(20, 2147483647);

  EXPECT_EQ(rows_of({all_kinds_layout()}, {max, small}),
            " 255  -32768  true   UKEY_DELETE  0xffff88810a2b3c00"
            "  18446744073709551615           -1"
            "  ufid:8c92d6db-06ec-405b-992f-e23f0bb65697\n"
            "   7      12  false  9                           0x0"
            "                     0   2147483647"
            "  ufid:00000000-0000-0000-0000-000000000000\n");
}

TEST(EventPrinter, LastColumnHasNoTrailingSpaces) {
  EventLayout layout;
  layout.size = 16;
  Column reason = column("reason", ColumnKind::Enum, 12, 4);
  reason.enumerators = {{0, "UKEY_KEEP"}, {1, "UKEY_DELETE"}};
  layout.columns = {column("hit", ColumnKind::Bool, 8, 1), reason};
  EXPECT_EQ(header_of({layout}), "hit    reason\n");
  EXPECT_EQ(rows_of({layout}, {Event(0, 16), Event(0, 16).set<uint8_t>(8, 1)}),
            "false  UKEY_KEEP\n"
            "true   UKEY_KEEP\n");
}

TEST(EventPrinter, EnumWithoutEnumeratorPrintsTheNumber) {
  EventLayout layout;
  layout.size = 16;
  Column u = column("u", ColumnKind::Enum, 8, 4);
  u.enumerators = {{1, "ONE"}};
  Column s = column("s", ColumnKind::Enum, 12, 4);  // a negative enumerator:
  s.enumerators = {{-1, "MINUS_ONE"}};              // read sign-extended
  layout.columns = {u, s};
  EXPECT_EQ(rows_of({layout},
                    {Event(0, 16).set<uint32_t>(8, 1).set<int32_t>(12, -1),
                     Event(0, 16).set<uint32_t>(8, 0xffffffff).set<int32_t>(12, -2)}),
            "ONE  MINUS_ONE\n"
            "4294967295  -2\n");
}

TEST(EventPrinter, SeveralLayoutsArePrefixedWithTheirLabel) {
  EventLayout recv;
  recv.id = 0;
  recv.label = "upcall:recv";
  recv.size = 16;
  recv.columns = {column("port", ColumnKind::Unsigned, 8, 4)};
  EventLayout unnamed;
  unnamed.id = 1;
  unnamed.size = 16;
  unnamed.columns = {column("hit", ColumnKind::Bool, 8, 1),
                     column("len", ColumnKind::Unsigned, 10, 2)};
  EXPECT_EQ(header_of({recv, unnamed}),
            "upcall:recv        port\n"
            "#1           hit      len\n");
  EXPECT_EQ(rows_of({recv, unnamed},
                    {Event(0, 16).set<uint32_t>(8, 3),
                     Event(1, 16).set<uint8_t>(8, 1).set<uint16_t>(10, 1500),
                     Event(0, 16).set<uint32_t>(8, 4294967295)}),
            "upcall:recv           3\n"
            "#1           true    1500\n"
            "upcall:recv  4294967295\n");
}

TEST(EventPrinter, RejectsMalformedEvents) {
  EventPrinter printer({ufid_layout()});
  std::ostringstream out;
  EXPECT_FALSE(printer.print_event(Event(0, 4).bytes, out));   // no header
  EXPECT_FALSE(printer.print_event(Event(0, 16).bytes, out));  // too short
  EXPECT_FALSE(printer.print_event(Event(1, 24).bytes, out));  // unknown id
  EXPECT_EQ(out.str(), "");
  EXPECT_TRUE(printer.print_event(Event(0, 24).bytes, out));
}

TEST(EventPrinter, StringsAreTextUpToTheFirstNul) {
  EventLayout layout;
  layout.size = 32;
  layout.columns = {column("name", ColumnKind::String, 8, 8),
                    column("port", ColumnKind::Unsigned, 16, 4),
                    column("dev", ColumnKind::String, 20, 4)};
  EXPECT_EQ(column_width(layout.columns[0]), 8u);
  EXPECT_EQ(column_width(layout.columns[2]), 4u);
  EXPECT_EQ(column_width(column("a_long_header", ColumnKind::String, 8, 4)),
            13u);
  EXPECT_EQ(header_of({layout}), "name            port  dev\n");

  auto str = [](Event& e, size_t offset, std::string_view text) {
    std::memcpy(e.bytes.data() + offset, text.data(), text.size());
  };
  Event a(0, 32), b(0, 32), c(0, 32);
  str(a, 8, "br0");  // NUL-padded
  a.set<uint32_t>(16, 1);
  str(a, 20, "eth0");  // fills all 4 bytes: no NUL
  str(b, 8, "abcdefgh");
  b.set<uint32_t>(16, 22);
  str(b, 20, std::string_view("a\0b", 3));  // stops at the first NUL
  str(c, 8, "t\x01\x7f\xff" "x");  // not printable: \xNN, wider than 8
  EXPECT_EQ(rows_of({layout}, {a, b, c}),
            "br0                1  eth0\n"
            "abcdefgh          22  a\n"
            "t\\x01\\x7f\\xffx           0\n");  // no trailing spaces
}

// Printf events are text, verbatim; they have no header and no label, and
// do not count as a row layout.
TEST(EventPrinter, PrintfLayoutsPrintTheirTextVerbatim) {
  EventLayout rows;
  rows.id = 0;
  rows.label = "upcall:recv";
  rows.size = 16;
  rows.columns = {column("port", ColumnKind::Unsigned, 8, 4)};
  EventLayout text;
  text.id = 1;
  text.label = "flow_put";
  text.size = 16;
  text.is_printf = true;
  text.columns = {column("n", ColumnKind::Unsigned, 8, 4)};
  text.printf_pieces = {piece("port ", 0, "%u"), piece(" is up\n", -1, "")};
  EventLayout partial = text;
  partial.id = 2;
  partial.printf_pieces = {piece("no newline:", 0, "%5d")};

  EXPECT_EQ(header_of({rows, text, partial}), "      port\n");
  EXPECT_EQ(rows_of({rows, text, partial},
                    {Event(1, 16).set<uint32_t>(8, 7),
                     Event(0, 16).set<uint32_t>(8, 3),
                     Event(2, 16).set<uint32_t>(8, 42),
                     Event(2, 16).set<uint32_t>(8, 1)}),
            "port 7 is up\n"
            "         3\n"
            "no newline:   42no newline:    1");
  EXPECT_EQ(header_of({text}), "");

  // Two row layouts: labels on the rows, still none on printf lines.
  EventLayout more = rows;
  more.id = 3;
  more.label = "x";
  EXPECT_EQ(header_of({rows, text, more}),
            "upcall:recv        port\n"
            "x                  port\n");
  EXPECT_EQ(rows_of({rows, text, more},
                    {Event(1, 16).set<uint32_t>(8, 7),
                     Event(3, 16).set<uint32_t>(8, 3)}),
            "port 7 is up\n"
            "x                     3\n");
}

TEST(EventPrinter, IgnoresTheExitEvent) {
  EventPrinter printer({ufid_layout()});
  std::ostringstream out;
  EXPECT_TRUE(printer.print_event(Event(kExitEventId, 8).bytes, out));
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace ovsq::runtime
