// `.help`: the topic list and the hand-written texts, short summaries of
// docs/language.md and docs/output.md.  The texts made from tables are in
// help_tables.cpp.
#include "session/help.h"

#include "frontend/builtins.h"
#include "frontend/diagnostics.h"
#include "session/help_tables.h"
#include "session/text_table.h"
#include "support/error.h"

namespace ovsq::session {
namespace {

// "sum(v), avg, min, ...": the aggregations that take a value.
std::string aggregations_with_values() {
  std::vector<std::string> names;
  for (const AggregationInfo& info : kAggregations)
    if (!info.bare) names.push_back(names.empty() ? std::string(info.name) + "(v)" : info.name);
  return join(names, ", ");
}

std::string statements_text() {
  return "Clauses (a program is one or more, with run limits: .help limits):\n"
         "\n"
         "  on PROBE, ... [where EXPR] ACTION   when a probe fires and EXPR holds\n"
         "  begin ACTION                       once, before the probes are attached\n"
         "  end ACTION                         once, after they are detached\n"
         "\n"
         "An ACTION is a statement, or { statements } separated by ';' or newlines:\n"
         "\n"
         "  print EXPR [as NAME], ...    a row per event, a column per expression\n"
         "  printf(\"FORMAT\", EXPR, ...)  C conversions %d %i %u %x %X %o %c %s %p %%;\n"
         "                               no newline unless FORMAT has one\n"
         "  count [by KEY, ...]          an aggregation, a row per key (.help functions);\n"
         "                               also " + aggregations_with_values() + "\n"
         "  @name[KEY, ...] = count()    a named aggregation, shared by clauses\n"
         "  @name[KEY, ...] = EXPR       a map: one 64-bit value per key, read as\n"
         "                               @name[KEY] (0 when missing); keys optional\n"
         "  delete @name[KEY, ...]       remove a map's key\n"
         "  exit                         stop: 'end' runs, the aggregations print\n"
         "\n"
         "  on flow_result { count by reason; printf(\"%s %s\\n\", ufid, reason) }\n"
         "  on flow_put { @born[ufid] = now }\n"
         "  on flow_del { print (now - @born[ufid]) / 1ms as age_ms; delete @born[ufid] }\n";
}

// The functions an expression may call: not the aggregations, which are
// statements.
std::vector<std::string> expression_functions() {
  std::vector<std::string> names;
  for (const std::string& name : frontend::function_names())
    if (!frontend::is_aggregation_function(name)) names.push_back(name);
  return names;
}

std::string expressions_text() {
  return "Expressions:\n"
         "\n"
         "  literals   42  0x2a  10ms (ns us ms s m h; a value in ns)  \"text\"\n"
         "             ufid:8c92d6db-06ec-405b-992f-e23f0bb65697  10.0.0.1  2001:db8::1\n"
         "             0e:04:47:fc:74:51\n"
         "  fields     the probe's (.describe PROBE): reason, ukey, n_flows; ufid; key\n"
         "             and its fields (.help keys)\n"
         "  members    ukey->key_len, ukey->stats.n_packets (.type struct udpif_key)\n"
         "  enums      FDR_FLOW_IDLE, UKEY_DELETE, from the debug info; compared with\n"
         "             a value of the same enum\n"
         "  builtins   " + join(frontend::builtin_names(), ", ") + " (.help builtins)\n"
         "  calls      " + join(expression_functions(), ", ") + " (.help functions)\n"
         "  maps       @born[ufid], @total: 0 for a missing key\n"
         "  operators  loosest first: || or; && and; |; ^; &; == !=; < <= > >=;\n"
         "             << >>; + -; * / %; unary ! not - ~; && and || short-circuit\n"
         "\n"
         "Arithmetic is 64-bit; division by zero is 0.  ufids, addresses and strings\n"
         "compare with == and != only, against a literal of their kind.\n";
}

std::string limits_text() {
  return "Run limits, anywhere in the program, each at most once:\n"
         "\n"
         "  every 1s    print the aggregations, with a timestamp, every interval,\n"
         "              and empty them\n"
         "  for 10s     stop after this long\n"
         "  limit 100   stop after this many rows (print rows and printf lines)\n"
         "\n"
         "Durations are an integer and a unit: ns us ms s m h.  A duration is also\n"
         "a value, in nanoseconds: (now - @born[ufid]) / 1ms is milliseconds.\n"
         "A run also stops at 'exit', at Ctrl-C, or when the traced process exits.\n"
         "\n"
         "  on flow_result where result == UKEY_DELETE count by reason every 1s for 10s\n";
}

std::string output_text() {
  return "Output formats (docs/output.md):\n"
         "\n"
         "  text  the default: a header and aligned rows per print clause, printf\n"
         "        text as it is, a table or bar chart per aggregation\n"
         "  json  one object per line, \"type\" first, such as\n"
         "        {\"type\":\"event\",\"clause\":\"upcall\",\"fields\":{\"type\":\"DPIF_UC_MISS\"}}\n"
         "  csv   RFC 4180: a header record per print clause, then its rows; a\n"
         "        table per aggregation, each row with its name, interval and time\n"
         "\n"
         "Chosen with --format text|json|csv; -o FILE writes what would go to stdout\n"
         "to FILE.  In a session, the 'format' and 'output' settings do the same.\n"
         "Status lines (Attached..., lost events, full maps) go to stderr.\n"
         "\n"
         "A value reads alike in every format: enums by name, ufid:..., 10.0.0.1,\n"
         "pointers 0x..., a flow key as its ODP string, meaning(e) as its meaning.\n";
}

struct Topic {
  const char* name;
  std::string (*summary)();
  std::string (*text)();
};

// In the order `.help` lists them.
const std::vector<Topic>& topics() {
  static const std::vector<Topic> list = {
      {"statements",
       [] { return std::string("on, begin, end; print, printf, aggregations, maps, exit"); },
       statements_text},
      {"expressions",
       [] { return std::string("literals, fields, members, enum constants, operators"); },
       expressions_text},
      {"builtins", [] { return join(frontend::builtin_names(), ", "); }, help::builtins_text},
      {"functions", [] { return join(frontend::function_names(), ", "); }, help::functions_text},
      {"keys", [] { return std::string("flow-key fields: key.in_port, key.ipv4.src, key.tcp.dst, ..."); },
       help::keys_text},
      {"limits", [] { return std::string("every, for, limit: intervals, and when a run stops"); },
       limits_text},
      {"output", [] { return std::string("text, json and csv, and where they go"); }, output_text},
      {"probes", [] { return std::string("the probes and their fields; .probes, .describe, .type"); },
       help::probes_text},
  };
  return list;
}

const Topic& find_topic(std::string_view name) {
  for (const Topic& topic : topics())
    if (topic.name == name) return topic;
  std::string message = "unknown help topic '" + std::string(name) + "'";
  std::string suggested = frontend::with_did_you_mean(message, name, help_topics());
  if (suggested == message) suggested += ": the topics are " + join(help_topics(), ", ");
  throw UserError(suggested);
}

}  // namespace

std::vector<std::string> help_topics() {
  std::vector<std::string> names;
  for (const Topic& topic : topics()) names.push_back(topic.name);
  return names;
}

std::string help_topic_summary(std::string_view topic) {
  return find_topic(topic).summary();
}

std::string help_text(std::string_view topic) {
  if (!topic.empty()) return find_topic(topic).text();
  TextTable table("  ");
  for (const Topic& t : topics()) table.add_row({t.name, t.summary()});
  return "Help topics (.help TOPIC):\n\n" + table.str();
}

}  // namespace ovsq::session
