// The session's logic without a terminal or a kernel: what a typed line
// is, dot-command parsing and its errors, the .jobs table, and the
// settings table that .set and the command line share.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/settings.h"
#include "session/commands.h"
#include "session/input.h"
#include "session/jobs.h"
#include "support/error.h"

namespace ovsq::session {
namespace {

TEST(ClassifyInput, CommandsQueriesAndBlanks) {
  Input in = classify_input("", "  .jobs");
  EXPECT_EQ(in.kind, InputKind::Command);
  EXPECT_EQ(in.text, ".jobs");
  EXPECT_EQ(classify_input("", "").kind, InputKind::Blank);
  EXPECT_EQ(classify_input("", "   # a note").kind, InputKind::Blank);
  in = classify_input("", "on flow_result print ufid");
  EXPECT_EQ(in.kind, InputKind::Query);
  EXPECT_FALSE(in.background);
  EXPECT_EQ(in.text, "on flow_result print ufid");
}

TEST(ClassifyInput, BackgroundMarker) {
  Input in = classify_input("", "on flow_result count by reason &  ");
  EXPECT_EQ(in.kind, InputKind::Query);
  EXPECT_TRUE(in.background);
  EXPECT_EQ(in.text, "on flow_result count by reason");
  // '&&' is the operator: the program goes on.
  in = classify_input("", "on flow_result where result == UKEY_DELETE &&");
  EXPECT_EQ(in.kind, InputKind::Unfinished);
  EXPECT_FALSE(in.background);
}

TEST(ClassifyInput, ContinuationLines) {
  Input in = classify_input("", "on flow_result {");
  EXPECT_EQ(in.kind, InputKind::Unfinished);
  in = classify_input(in.text + "\n", "  count by reason");
  EXPECT_EQ(in.kind, InputKind::Unfinished);
  in = classify_input(in.text + "\n", "} &");
  EXPECT_EQ(in.kind, InputKind::Query);
  EXPECT_TRUE(in.background);
  EXPECT_EQ(in.text, "on flow_result {\n  count by reason\n}");
  // A dot on a continuation line is not a command.
  in = classify_input("on flow_result print ukey\n", ".ufid");
  EXPECT_NE(in.kind, InputKind::Command);
  // A wrong program is not unfinished: it is reported at once.
  EXPECT_EQ(classify_input("", "on flow_result print )").kind, InputKind::Query);
}

std::string error_of(std::string_view line) {
  try {
    parse_command(line);
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Commands, Parse) {
  ParsedCommand c = parse_command(".show 2");
  ASSERT_NE(c.spec, nullptr);
  EXPECT_EQ(c.spec->id, CommandId::Show);
  EXPECT_EQ(c.args, std::vector<std::string>{"2"});
  c = parse_command(".type struct udpif_key");
  EXPECT_EQ(c.spec->id, CommandId::Type);
  EXPECT_EQ(c.args, std::vector<std::string>{"struct udpif_key"});
  c = parse_command(".set output /tmp/a file");
  EXPECT_EQ(c.args, (std::vector<std::string>{"output", "/tmp/a file"}));
  c = parse_command(".set");
  EXPECT_TRUE(c.args.empty());
  EXPECT_EQ(parse_command(".quit").spec->id, CommandId::Quit);
}

TEST(Commands, Errors) {
  EXPECT_EQ(error_of(".jbs"), "unknown command '.jbs'; did you mean '.jobs'? (.help lists them)");
  EXPECT_EQ(error_of(".frobnicate"), "unknown command '.frobnicate' (.help lists them)");
  EXPECT_EQ(error_of(".show"), "usage: .show N");
  EXPECT_EQ(error_of(".jobs 3"), "usage: .jobs");
  EXPECT_EQ(error_of(".describe"), "usage: .describe PROBE");
}

TEST(Commands, JobNumbers) {
  EXPECT_EQ(parse_job_number("3"), 3);
  EXPECT_EQ(parse_job_number("%12"), 12);
  for (const char* bad : {"0", "-1", "x", "1x", ""}) {
    try {
      parse_job_number(bad);
      ADD_FAILURE() << bad;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()),
                "'" + std::string(bad) + "' is not a job number (.jobs lists them)");
    }
  }
}

TEST(Commands, CompletionTableFollowsTheCommandTable) {
  std::vector<CompletionContext::Command> commands = completion_commands();
  ASSERT_EQ(commands.size(), command_specs().size());
  for (size_t i = 0; i < commands.size(); ++i)
    EXPECT_EQ(commands[i].name, command_specs()[i].name);
}

TEST(Jobs, Table) {
  JobRow running{1, "on flow_result count by reason", "running", 75.0, {}};
  running.stats.events = 1234;
  running.stats.lost = 5;
  JobRow done{2, "on upcall {\n count by type\n}", "done: for elapsed", 10.0, {}};
  done.stats.map_full_drops = 7;
  EXPECT_EQ(format_jobs({running, done}),
            "job  state               time  events  lost  full  query\n"
            "[1]  running            1m15s    1234     5     0  on flow_result count by reason\n"
            "[2]  done: for elapsed  10.0s       0     0     7  on upcall { ...\n");
  EXPECT_EQ(format_jobs({}), "no jobs (a query ending in '&' runs in the background)\n");
}

TEST(Jobs, NumbersAreReusedOnlyAboveTheLast) {
  JobTable table;
  EXPECT_EQ(table.add(std::make_unique<Job>()).number, 1);
  EXPECT_EQ(table.add(std::make_unique<Job>()).number, 2);
  table.remove(1);
  EXPECT_EQ(table.add(std::make_unique<Job>()).number, 3);
  EXPECT_EQ(table.find(1), nullptr);
  ASSERT_NE(table.find(3), nullptr);
  EXPECT_EQ(table.jobs().size(), 2u);
}

TEST(Jobs, FirstLine) {
  EXPECT_EQ(first_line_of("on a print b"), "on a print b");
  EXPECT_EQ(first_line_of("on a {\nprint b }"), "on a { ...");
  EXPECT_EQ(first_line_of("on a print b\n"), "on a print b");
}

}  // namespace
}  // namespace ovsq::session

namespace ovsq::pipeline {
namespace {

TEST(Settings, SetAndGet) {
  QuerySettings s;
  EXPECT_EQ(find_setting("format")->get(s), "text");
  EXPECT_EQ(find_setting("format")->set(s, "json"), std::nullopt);
  EXPECT_EQ(s.format, runtime::OutputFormat::Json);
  EXPECT_EQ(find_setting("format")->set(s, "yaml"), "needs text, json or csv, not 'yaml'");
  EXPECT_EQ(find_setting("ring-pages")->get(s), "256");
  EXPECT_EQ(find_setting("ring-pages")->set(s, "3"), "needs a power of two from 1 to 262144");
  EXPECT_EQ(find_setting("ring-pages")->set(s, "64"), std::nullopt);
  EXPECT_EQ(s.ring_pages, 64u);
  EXPECT_EQ(find_setting("map-entries")->set(s, "0"), "needs a number from 1 to 16777216");
  EXPECT_EQ(find_setting("flow-key-size")->set(s, "100"), std::nullopt);
  EXPECT_EQ(s.flow_key_size, 104u);  // rounded up to 8 bytes
  EXPECT_EQ(find_setting("flow-key-size")->set(s, "12k"), "needs a number of bytes from 16 to 2048");
  EXPECT_EQ(find_setting("output")->set(s, "-"), std::nullopt);
  EXPECT_EQ(find_setting("output")->get(s), "-");
  EXPECT_EQ(find_setting("nope"), nullptr);
  EXPECT_EQ(setting_names(),
            (std::vector<std::string>{"format", "output", "ring-pages", "map-entries",
                                      "flow-key-size"}));
}

}  // namespace
}  // namespace ovsq::pipeline
