// session/help: the topics, that the texts made from tables list every
// entry of their table (a new builtin, function, flow-key field or probe
// cannot be forgotten), that every example compiles on the sim, and the
// errors for an unknown topic.
#include "session/help.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "frontend/builtins.h"
#include "frontend/grammar.h"
#include "frontend/parser.h"
#include "frontend/sema.h"
#include "probes/catalog.h"
#include "probes/odp_key.h"
#include "probes_test_util.h"

namespace {

using namespace ovsq::session;
using namespace ovsq::testing;
namespace frontend = ovsq::frontend;
namespace probes = ovsq::probes;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The words of the entry `first` starts (a line "  first  ..."), its
// continuation lines included (those that start with more blanks than it).
std::vector<std::string> entry(const std::string& text, const std::string& first) {
  std::vector<std::string> lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("  " + first + " ")) continue;
    std::vector<std::string> words = words_of(lines[i]);
    while (i + 1 < lines.size() && lines[i + 1].starts_with("   ")) {
      std::vector<std::string> more = words_of(lines[++i]);
      words.insert(words.end(), more.begin(), more.end());
    }
    return words;
  }
  return {};
}

bool has_word(const std::vector<std::string>& words, const std::string& word) {
  for (std::string w : words) {
    while (!w.empty() && (w.back() == ';' || w.back() == ',')) w.pop_back();
    if (w == word) return true;
  }
  return false;
}

TEST(Help, TopicsEachHaveASummaryAndAScreenOfText) {
  EXPECT_EQ(help_topics(),
            (std::vector<std::string>{"statements", "expressions", "builtins", "functions",
                                      "keys", "limits", "output", "probes"}));
  for (const std::string& topic : help_topics()) {
    SCOPED_TRACE(topic);
    std::string summary = help_topic_summary(topic);
    EXPECT_FALSE(summary.empty());
    EXPECT_EQ(summary.find('\n'), std::string::npos);
    std::string text = help_text(topic);
    ASSERT_FALSE(text.empty());
    EXPECT_TRUE(text.ends_with("\n"));
    EXPECT_EQ(text.find("(undocumented)"), std::string::npos) << text;
    std::vector<std::string> lines = lines_of(text);
    EXPECT_LE(lines.size(), 34u) << text;  // a screen, give or take
    for (const std::string& line : lines) {
      EXPECT_LE(line.size(), 79u) << line;
      EXPECT_FALSE(line.ends_with(" ")) << "'" << line << "'";
    }
  }
}

TEST(Help, NoTopicListsTheTopics) {
  std::string text = help_text("");
  EXPECT_TRUE(text.starts_with("Help topics (.help TOPIC):\n\n")) << text;
  for (const std::string& topic : help_topics()) {
    std::vector<std::string> words = entry(text, topic);
    ASSERT_FALSE(words.empty()) << topic;
    EXPECT_EQ(text.find("  " + topic + " "), text.find("  " + topic));
    EXPECT_NE(text.find(help_topic_summary(topic) + "\n"), std::string::npos) << topic;
  }
}

TEST(Help, UnknownTopics) {
  EXPECT_EQ(error_of([] { help_text("key"); }),
            "unknown help topic 'key'; did you mean 'keys'?");
  EXPECT_EQ(error_of([] { help_topic_summary("limit"); }),
            "unknown help topic 'limit'; did you mean 'limits'?");
  EXPECT_EQ(error_of([] { help_text("zzz"); }),
            "unknown help topic 'zzz': the topics are statements, expressions, "
            "builtins, functions, keys, limits, output, probes");
}

// Every field of the flow-key table, on its attribute's line.
TEST(Help, KeysListsEveryFlowKeyField) {
  std::string text = help_text("keys");
  for (const std::string& path : probes::odp_field_paths()) {
    SCOPED_TRACE(path);
    size_t dot = path.find('.');
    std::string attr = path.substr(0, dot);
    std::vector<std::string> words = entry(text, "key." + attr);
    ASSERT_FALSE(words.empty()) << text;
    if (dot == std::string::npos) {
      // A whole-attribute scalar: its kind alone.
      EXPECT_EQ(words, (std::vector<std::string>{"key." + attr, "integer"}));
    } else {
      EXPECT_TRUE(has_word(words, path.substr(dot))) << text;
    }
  }
  // And the kind after each run: key.ipv4.src is an address.
  EXPECT_EQ(entry(text, "key.ipv4"),
            (std::vector<std::string>{"key.ipv4", ".src", ".dst", "IPv4;", ".proto", ".tos",
                                      ".ttl", ".frag", "integer"}));
}

TEST(Help, BuiltinsAndFunctionsListTheirTables) {
  std::string builtins = help_text("builtins");
  for (const std::string& name : frontend::builtin_names())
    EXPECT_GT(entry(builtins, name).size(), 1u) << name << " in\n" << builtins;

  std::string functions = help_text("functions");
  for (const std::string& name : frontend::function_names()) {
    SCOPED_TRACE(name);
    // The entry starts "name(" and, for an aggregation, names as many
    // arguments as it takes.
    size_t at = functions.find("\n  " + name + "(");
    ASSERT_NE(at, std::string::npos) << functions;
    std::string call = functions.substr(at + 3, functions.find(')', at) - at - 2);
    if (std::optional<frontend::AggregationKind> kind = frontend::aggregation_kind(name)) {
      size_t args = call == name + "()" ? 0 : 1 + std::count(call.begin(), call.end(), ',');
      EXPECT_EQ(args, frontend::aggregation_arity(*kind)) << call;
    }
  }
  EXPECT_EQ(entry(functions, "str(p[,"),
            words_of("str(p[, n]) the NUL-terminated text at p in the traced process: n "
                     "bytes at most, the NUL included (64 by default, 256 at most)"));
}

// The statements and run limits help names every keyword that starts one.
TEST(Help, StatementsAndLimitsNameEveryKeyword) {
  std::string text = help_text("statements") + help_text("limits");
  for (const std::string& keyword :
       words_of(std::string(frontend::grammar::kStatementKeywords.c_str()) + " " +
                frontend::grammar::kTopKeywords)) {
    bool named = false;
    for (const std::string& line : lines_of(text))
      named = named || has_word(words_of(line), keyword) ||
              line.find(" " + keyword + "(") != std::string::npos ||
              line.find(" " + keyword + ",") != std::string::npos;
    EXPECT_TRUE(named) << keyword << " in\n" << text;
  }
}

TEST(Help, ProbesListsTheCatalog) {
  std::string text = help_text("probes");
  for (const std::string& name : probes::catalog_probe_names()) {
    const probes::CatalogProbe& probe = *probes::find_catalog_probe(name);
    if (name != probe.short_name) continue;
    std::vector<std::string> words = entry(text, name);
    ASSERT_FALSE(words.empty()) << name;
    for (const std::string& field : probe.field_names())
      EXPECT_TRUE(has_word(words, field) || has_word(words, field + ")")) << name << " " << field;
  }
}

// The examples of a topic (its lines "  on ...", "  begin ...") are one
// program, which compiles on the sim: help never shows a query that fails.
TEST(Help, ExamplesCompileOnTheSim) {
  probes::UsdtNotes notes = probes::read_usdt_notes(sim());
  auto dwarf = probes::DebugInfo::open(sim(), {});
  size_t examples = 0;
  for (const std::string& topic : help_topics()) {
    SCOPED_TRACE(topic);
    std::string program;
    for (const std::string& line : lines_of(help_text(topic)))
      if (line.starts_with("  on ") && line.find("ACTION") == std::string::npos) {
        program += line + "\n";
        ++examples;
      }
    if (program.empty()) continue;
    frontend::Source source{"<help " + topic + ">", program};
    frontend::Diagnostics diagnostics(source);
    frontend::Program parsed = frontend::parse(source, diagnostics);
    frontend::Sema sema(notes, *dwarf, diagnostics);
    EXPECT_TRUE(!diagnostics.has_errors() && sema.check(parsed)) << diagnostics.render();
  }
  EXPECT_GE(examples, 10u);
}

}  // namespace
