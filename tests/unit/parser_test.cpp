// The parser: AST shape (through dump()), locations, and the exact text of
// every syntax error.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "frontend/parser.h"

namespace ovsq::frontend {
namespace {

struct Parsed {
  Source source;
  Diagnostics diagnostics{source};
  Program program;

  explicit Parsed(std::string_view text)
      : source{"test.ovsq", std::string(text)} {
    program = parse(source, diagnostics);
  }
};

// The dump of a query that must parse.
std::string ast(std::string_view text) {
  Parsed p(text);
  EXPECT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  return dump(p.program);
}

// The dump line of one expression, parsed as `on p print <text>`.
std::string expr(std::string_view text) {
  std::string dumped = ast("on p print " + std::string(text));
  // The item is the last line: "      <expr>))))" (print, clause, program).
  size_t start = dumped.rfind('\n', dumped.size() - 2) + 1;
  std::string line = dumped.substr(start);
  line.erase(0, line.find_first_not_of(' '));
  return line.substr(0, line.size() - std::string_view(")))\n").size());
}

// The rendered diagnostics of a query that must not parse.
std::string errors(std::string_view text) {
  Parsed p(text);
  EXPECT_EQ(p.diagnostics.list().size(), 1u);
  EXPECT_TRUE(p.program.clauses.empty());
  return p.diagnostics.render();
}

TEST(Parser, HeadlineQuery) {
  EXPECT_EQ(ast("on flow_result where reason == FDR_FLOW_IDLE print ufid"),
            "(program\n"
            "  (clause\n"
            "    (probes flow_result)\n"
            "    (where\n"
            "      (== (ident reason) (ident FDR_FLOW_IDLE)))\n"
            "    (print\n"
            "      (ident ufid))))\n");
}

TEST(Parser, HeadlineLocations) {
  Parsed p("on flow_result where reason == FDR_FLOW_IDLE print ufid");
  ASSERT_EQ(p.program.clauses.size(), 1u);
  const Clause& c = p.program.clauses[0];
  EXPECT_EQ(c.loc.column, 1u);
  EXPECT_EQ(c.loc.length, 55u);
  ASSERT_EQ(c.probes.size(), 1u);
  EXPECT_EQ(c.probes[0].loc.column, 4u);
  EXPECT_EQ(c.probes[0].loc.length, 11u);
  const Expr& where = *c.predicate;
  EXPECT_EQ(where.loc.line, 1u);
  EXPECT_EQ(where.loc.column, 22u);
  EXPECT_EQ(where.loc.offset, 21u);
  EXPECT_EQ(where.loc.length, 23u);
  EXPECT_EQ(where.as<Binary>()->rhs->loc.column, 32u);
  EXPECT_EQ(where.as<Binary>()->rhs->loc.length, 13u);
  const auto& print = std::get<PrintStmt>(c.actions[0]);
  EXPECT_EQ(print.loc.column, 46u);
  EXPECT_EQ(print.loc.length, 10u);
  EXPECT_EQ(print.items[0].header, "ufid");
  EXPECT_EQ(print.items[0].expr->loc.column, 52u);
}

TEST(Parser, Precedence) {
  EXPECT_EQ(expr("a + b * c"), "(+ (ident a) (* (ident b) (ident c)))");
  EXPECT_EQ(expr("a * b + c"), "(+ (* (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("!a && b || c"),
            "(|| (&& (! (ident a)) (ident b)) (ident c))");
  EXPECT_EQ(expr("a || b && c"), "(|| (ident a) (&& (ident b) (ident c)))");
  EXPECT_EQ(expr("a == b && c != d"),
            "(&& (== (ident a) (ident b)) (!= (ident c) (ident d)))");
  EXPECT_EQ(expr("a | b ^ c & d"),
            "(| (ident a) (^ (ident b) (& (ident c) (ident d))))");
  EXPECT_EQ(expr("a & b == c"), "(& (ident a) (== (ident b) (ident c)))");
  EXPECT_EQ(expr("a < b == c >= d"),
            "(== (< (ident a) (ident b)) (>= (ident c) (ident d)))");
  EXPECT_EQ(expr("a << 1 < b >> 2"),
            "(< (<< (ident a) (int 1)) (>> (ident b) (int 2)))");
  EXPECT_EQ(expr("a + b << c"), "(<< (+ (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("-a * ~b % c"),
            "(% (* (- (ident a)) (~ (ident b))) (ident c))");
  EXPECT_EQ(expr("(a + b) * c"), "(* (+ (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("(a)"), "(ident a)");
  EXPECT_EQ(expr("((a))"), "(ident a)");
  EXPECT_EQ(expr("-x->y"), "(- (-> (ident x) y))");
  EXPECT_EQ(expr("!!a"), "(! (! (ident a)))");
}

TEST(Parser, Associativity) {
  EXPECT_EQ(expr("a - b - c"), "(- (- (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("a / b / c"), "(/ (/ (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("a || b || c"), "(|| (|| (ident a) (ident b)) (ident c))");
  EXPECT_EQ(expr("x->y->z"), "(-> (-> (ident x) y) z)");
  EXPECT_EQ(expr("x.y->z.w"), "(. (-> (. (ident x) y) z) w)");
}

TEST(Parser, WordOperators) {
  EXPECT_EQ(expr("not a and b or c"),
            "(|| (&& (! (ident a)) (ident b)) (ident c))");
  // Keywords end at a word boundary: these are plain names.
  EXPECT_EQ(expr("order + android + notify + onion + printer + whereas"),
            "(+ (+ (+ (+ (+ (ident order) (ident android)) (ident notify)) "
            "(ident onion)) (ident printer)) (ident whereas))");
  // Any word may be a member name.
  EXPECT_EQ(expr("a->on.print"), "(. (-> (ident a) on) print)");
}

TEST(Parser, OperatorsWithoutSpaces) {
  EXPECT_EQ(expr("a<=b"), "(<= (ident a) (ident b))");
  EXPECT_EQ(expr("a<<b"), "(<< (ident a) (ident b))");
  EXPECT_EQ(expr("a&&b&c"), "(&& (ident a) (& (ident b) (ident c)))");
  EXPECT_EQ(expr("a||b|c"), "(|| (ident a) (| (ident b) (ident c)))");
  EXPECT_EQ(expr("a--b"), "(- (ident a) (- (ident b)))");
  EXPECT_EQ(expr("a!=!b"), "(!= (ident a) (! (ident b)))");
}

TEST(Parser, IntegerLiterals) {
  EXPECT_EQ(expr("0"), "(int 0)");
  EXPECT_EQ(expr("42"), "(int 42)");
  EXPECT_EQ(expr("0x1F"), "(int 31)");
  EXPECT_EQ(expr("0Xff"), "(int 255)");
  EXPECT_EQ(expr("18446744073709551615"), "(int 18446744073709551615)");
  EXPECT_EQ(expr("0xffffffffffffffff"), "(int 18446744073709551615)");
  EXPECT_EQ(expr("-1"), "(- (int 1))");
}

TEST(Parser, AddressLiterals) {
  EXPECT_EQ(expr("ufid:89025cc1-910a-2dec-bcbd-da2adc29f439"),
            "(address ufid:89025cc1-910a-2dec-bcbd-da2adc29f439)");
  EXPECT_EQ(expr("192.168.10.10"), "(address 192.168.10.10)");
  EXPECT_EQ(expr("0.0.0.0"), "(address 0.0.0.0)");
  EXPECT_EQ(expr("2001:db8::1"), "(address 2001:db8::1)");
  EXPECT_EQ(expr("::"), "(address ::)");
  EXPECT_EQ(expr("::ffff:10.0.0.1"), "(address ::ffff:10.0.0.1)");
  EXPECT_EQ(expr("fe80::1"), "(address fe80::1)");
  EXPECT_EQ(expr("0E:04:47:FC:74:51"), "(address 0e:04:47:fc:74:51)");
  // Eight full groups are IPv6, six two-digit groups a MAC.
  EXPECT_EQ(expr("1:2:3:4:5:6:7:8"), "(address 1:2:3:4:5:6:7:8)");
  EXPECT_EQ(expr("key.ipv4.src == 10.0.0.1"),
            "(== (. (. (ident key) ipv4) src) (address 10.0.0.1))");
}

TEST(Parser, InvalidAddressLiterals) {
  EXPECT_EQ(errors("on p where ufid == ufid:89025cc1910a2decbcbdda2adc29f439 print x"),
            "test.ovsq:1:20: error: invalid ufid literal "
            "'ufid:89025cc1910a2decbcbdda2adc29f439': a ufid is written as OVS "
            "prints it, ufid: and 32 hex digits grouped 8-4-4-4-12\n"
            "on p where ufid == ufid:89025cc1910a2decbcbdda2adc29f439 print x\n"
            "                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(errors("on p print 1.2.3.4.5"),
            "test.ovsq:1:20: error: syntax error: expected a member name after '.'\n"
            "on p print 1.2.3.4.5\n"
            "                   ^\n");
  EXPECT_EQ(errors("on p print 1.2.3.999"),
            "test.ovsq:1:12: error: invalid IPv4 address '1.2.3.999': four "
            "decimal numbers from 0 to 255\n"
            "on p print 1.2.3.999\n"
            "           ^~~~~~~~~\n");
  EXPECT_EQ(errors("on p print 1:2:3"),
            "test.ovsq:1:12: error: invalid address '1:2:3': expected an IPv6 "
            "address such as 2001:db8::1 or a MAC address such as "
            "0e:04:47:fc:74:51\n"
            "on p print 1:2:3\n"
            "           ^~~~~\n");
}

TEST(Parser, IntegerTooLarge) {
  EXPECT_EQ(errors("on p where x == 18446744073709551616 print x"),
            "test.ovsq:1:17: error: integer literal '18446744073709551616' "
            "does not fit in 64 bits\n"
            "on p where x == 18446744073709551616 print x\n"
            "                ^~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(errors("on p print 0x10000000000000000"),
            "test.ovsq:1:12: error: integer literal '0x10000000000000000' "
            "does not fit in 64 bits\n"
            "on p print 0x10000000000000000\n"
            "           ^~~~~~~~~~~~~~~~~~~\n");
}

TEST(Parser, CommentsAndShebang) {
  EXPECT_EQ(ast("#!/usr/bin/env ovsq\n"
                "# deleted because idle\n"
                "on flow_result  # the probe\n"
                "  where reason == FDR_FLOW_IDLE # the condition\n"
                "  print ufid # the flow\n"
                "# done\n"),
            "(program\n"
            "  (clause\n"
            "    (probes flow_result)\n"
            "    (where\n"
            "      (== (ident reason) (ident FDR_FLOW_IDLE)))\n"
            "    (print\n"
            "      (ident ufid))))\n");
  EXPECT_EQ(ast("on p print a#no space needed\n,b"),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (print\n"
            "      (ident a)\n"
            "      (ident b))))\n");
}

TEST(Parser, MultiProbeClause) {
  EXPECT_EQ(ast("on flow_result, flow_sweep_result,upcall print ufid"),
            "(program\n"
            "  (clause\n"
            "    (probes flow_result flow_sweep_result upcall)\n"
            "    (print\n"
            "      (ident ufid))))\n");
}

TEST(Parser, ProviderProbes) {
  Parsed p("on revalidate:flow_result,\n"
           "   revalidator_sweep__:flow_sweep_result print ufid");
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  const auto& probes = p.program.clauses.at(0).probes;
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].name, "revalidate:flow_result");
  EXPECT_EQ(probes[0].loc.column, 4u);
  EXPECT_EQ(probes[0].loc.length, 22u);
  EXPECT_EQ(probes[1].name, "revalidator_sweep__:flow_sweep_result");
  EXPECT_EQ(probes[1].loc.line, 2u);
  EXPECT_EQ(probes[1].loc.column, 4u);
  EXPECT_EQ(probes[1].loc.offset, 30u);
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes revalidate:flow_result "
            "revalidator_sweep__:flow_sweep_result)\n"
            "    (print\n"
            "      (ident ufid))))\n");
}

TEST(Parser, SeveralClauses) {
  const char* expected =
      "(program\n"
      "  (clause\n"
      "    (probes flow_put)\n"
      "    (print\n"
      "      (ident ufid)\n"
      "      (-> (ident put) actions_len)))\n"
      "  (clause\n"
      "    (probes flow_result)\n"
      "    (where\n"
      "      (== (ident result) (ident UKEY_DELETE)))\n"
      "    (print\n"
      "      (ident ufid)\n"
      "      (ident reason))))\n";
  EXPECT_EQ(ast("on flow_put print ufid, put->actions_len\n"
                "on flow_result where result == UKEY_DELETE print ufid, reason\n"),
            expected);
  EXPECT_EQ(ast("on flow_put print ufid, put->actions_len; "
                "on flow_result where result == UKEY_DELETE print ufid, reason;"),
            expected);
}

TEST(Parser, PrintHeadersAndLocations) {
  Parsed p("on p print  a->b . c ,(x + 1)*2,\n"
           "  -y");
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  const auto& items = std::get<PrintStmt>(p.program.clauses.at(0).actions[0]).items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].header, "a->b . c");
  EXPECT_EQ(items[1].header, "(x + 1)*2");
  EXPECT_EQ(items[2].header, "-y");

  const Expr& member = *items[0].expr;
  EXPECT_EQ(member.loc.column, 13u);
  EXPECT_EQ(member.loc.length, 8u);
  const auto* dot = member.as<MemberAccess>();
  ASSERT_NE(dot, nullptr);
  EXPECT_FALSE(dot->arrow);
  EXPECT_EQ(dot->member, "c");
  EXPECT_EQ(dot->member_loc.column, 20u);
  EXPECT_EQ(dot->member_loc.length, 1u);
  const auto* arrow = dot->base->as<MemberAccess>();
  ASSERT_NE(arrow, nullptr);
  EXPECT_TRUE(arrow->arrow);
  EXPECT_EQ(arrow->member_loc.column, 16u);
  EXPECT_EQ(dot->base->loc.length, 4u);

  // A parenthesised operand keeps its own location; its parent's includes
  // the parentheses.
  const Expr& product = *items[1].expr;
  EXPECT_EQ(product.loc.column, 23u);
  EXPECT_EQ(product.loc.length, 9u);
  const Expr& sum = *product.as<Binary>()->lhs;
  EXPECT_EQ(sum.loc.column, 24u);
  EXPECT_EQ(sum.loc.length, 5u);

  EXPECT_EQ(items[2].expr->loc.line, 2u);
  EXPECT_EQ(items[2].expr->loc.column, 3u);
  EXPECT_EQ(items[2].expr->loc.length, 2u);
}

TEST(Parser, EmptyProgram) {
  const char* message =
      "test.ovsq:1:1: error: the query is empty: write a clause such as 'on "
      "<probe> print <expr>' or 'on <probe> count by <expr>'\n";
  EXPECT_EQ(errors(""), std::string(message) + "\n^\n");
  EXPECT_EQ(errors("  \n"), std::string(message) + "  \n^\n");
  EXPECT_EQ(errors("# nothing yet\n\n"),
            std::string(message) + "# nothing yet\n^\n");
  Parsed p("");
  ASSERT_EQ(p.diagnostics.list().size(), 1u);
  EXPECT_EQ(p.diagnostics.list()[0].kind, DiagnosticKind::EmptyProgram);
}

// ---- syntax errors -----------------------------------------------------

TEST(ParserErrors, MisspeltWhere) {
  EXPECT_EQ(errors("on flow_result wher reason == 1 print ufid"),
            "test.ovsq:1:16: error: syntax error: expected 'where', an action or "
            "'{' after the probe list; did you mean 'where'?\n"
            "on flow_result wher reason == 1 print ufid\n"
            "               ^~~~\n");
}

TEST(ParserErrors, NothingAfterProbeList) {
  EXPECT_EQ(errors("on flow_result reason"),
            "test.ovsq:1:16: error: syntax error: expected 'where', an action or "
            "'{' after the probe list\n"
            "on flow_result reason\n"
            "               ^~~~~~\n");
  EXPECT_EQ(errors("on flow_result\n"),
            "test.ovsq:1:15: error: syntax error: expected 'where', an action or "
            "'{' after the probe list\n"
            "on flow_result\n"
            "              ^\n");
}

TEST(ParserErrors, NoExpressionAfterPrint) {
  EXPECT_EQ(errors("on flow_result print"),
            "test.ovsq:1:21: error: syntax error: expected an expression after "
            "'print'\n"
            "on flow_result print\n"
            "                    ^\n");
  // At the end of input the caret goes after the last token, not after
  // trailing blank lines or comments.
  EXPECT_EQ(errors("on flow_result print   # todo\n\n"),
            "test.ovsq:1:21: error: syntax error: expected an expression after "
            "'print'\n"
            "on flow_result print   # todo\n"
            "                    ^\n");
}

TEST(ParserErrors, NoProbe) {
  EXPECT_EQ(errors("on print ufid"),
            "test.ovsq:1:4: error: syntax error: expected a probe name after "
            "'on'\n"
            "on print ufid\n"
            "   ^~~~~\n");
  EXPECT_EQ(errors("on flow_result, print ufid"),
            "test.ovsq:1:17: error: syntax error: expected a probe name after "
            "','\n"
            "on flow_result, print ufid\n"
            "                ^~~~~\n");
  EXPECT_EQ(errors("on revalidate: flow_result print ufid"),
            "test.ovsq:1:15: error: syntax error: expected a probe name after "
            "':'\n"
            "on revalidate: flow_result print ufid\n"
            "              ^\n");
}

TEST(ParserErrors, NoOperand) {
  EXPECT_EQ(errors("on flow_result where reason == print ufid"),
            "test.ovsq:1:32: error: syntax error: expected an expression after "
            "'=='\n"
            "on flow_result where reason == print ufid\n"
            "                               ^~~~~\n");
  EXPECT_EQ(errors("on p where a and or b print c"),
            "test.ovsq:1:18: error: syntax error: expected an expression after "
            "'and'\n"
            "on p where a and or b print c\n"
            "                 ^~\n");
  EXPECT_EQ(errors("on p where ! print c"),
            "test.ovsq:1:14: error: syntax error: expected an expression after "
            "'!'\n"
            "on p where ! print c\n"
            "             ^~~~~\n");
  EXPECT_EQ(errors("on p where print c"),
            "test.ovsq:1:12: error: syntax error: expected an expression after "
            "'where'\n"
            "on p where print c\n"
            "           ^~~~~\n");
  EXPECT_EQ(errors("on p print a,"),
            "test.ovsq:1:14: error: syntax error: expected an expression after "
            "','\n"
            "on p print a,\n"
            "             ^\n");
  EXPECT_EQ(errors("on p print a * (, b"),
            "test.ovsq:1:17: error: syntax error: expected an expression after "
            "'('\n"
            "on p print a * (, b\n"
            "                ^\n");
}

TEST(ParserErrors, UnbalancedParentheses) {
  EXPECT_EQ(errors("on p where (a == 1 print b"),
            "test.ovsq:1:20: error: syntax error: expected ')'\n"
            "on p where (a == 1 print b\n"
            "                   ^~~~~\n");
  EXPECT_EQ(errors("on p print ((a)"),
            "test.ovsq:1:16: error: syntax error: expected ')'\n"
            "on p print ((a)\n"
            "               ^\n");
  EXPECT_EQ(errors("on p where (a)) print b"),
            "test.ovsq:1:15: error: syntax error: unmatched ')'\n"
            "on p where (a)) print b\n"
            "              ^\n");
}

TEST(ParserErrors, UnexpectedCharacter) {
  EXPECT_EQ(errors("on p print a $ b"),
            "test.ovsq:1:14: error: syntax error: unexpected character '$'\n"
            "on p print a $ b\n"
            "             ^\n");
  EXPECT_EQ(errors("on p print $"),
            "test.ovsq:1:12: error: syntax error: unexpected character '$'\n"
            "on p print $\n"
            "           ^\n");
  EXPECT_EQ(errors("on p print a\x01"),
            "test.ovsq:1:13: error: syntax error: unexpected character '\\x01'\n"
            "on p print a\x01\n"
            "            ^\n");
  EXPECT_EQ(errors("on p print \xc3\xa9t\xc3\xa9"),
            "test.ovsq:1:12: error: syntax error: unexpected character "
            "'\xc3\xa9'\n"
            "on p print \xc3\xa9t\xc3\xa9\n"
            "           ^\n");
}

TEST(ParserErrors, SingleEquals) {
  EXPECT_EQ(errors("on p where reason = 3 print ufid"),
            "test.ovsq:1:19: error: syntax error: unexpected '='; did you mean "
            "'=='?\n"
            "on p where reason = 3 print ufid\n"
            "                  ^\n");
}

TEST(ParserErrors, AfterPrintList) {
  EXPECT_EQ(errors("on p print a b"),
            "test.ovsq:1:14: error: syntax error: expected ',', a new clause or a "
            "run limit after the print list\n"
            "on p print a b\n"
            "             ^\n");
  EXPECT_EQ(errors("on p print a\nom q print b"),
            "test.ovsq:2:1: error: syntax error: expected ',', a new clause or a "
            "run limit after the print list; did you mean 'on'?\n"
            "om q print b\n"
            "^~\n");
}

TEST(ParserErrors, AfterSemicolon) {
  EXPECT_EQ(errors("on p print a; ; on q print b"),
            "test.ovsq:1:15: error: syntax error: expected a new clause ('on', "
            "'begin', 'end') or a run limit ('every', 'for', 'limit')\n"
            "on p print a; ; on q print b\n"
            "              ^\n");
}

TEST(ParserErrors, NoPrintAfterWhere) {
  EXPECT_EQ(errors("on p where a prnt b"),
            "test.ovsq:1:14: error: syntax error: expected an action or '{' after "
            "the 'where' condition; did you mean 'print'?\n"
            "on p where a prnt b\n"
            "             ^~~~\n");
  EXPECT_EQ(errors("on p where a"),
            "test.ovsq:1:13: error: syntax error: expected an action or '{' after "
            "the 'where' condition\n"
            "on p where a\n"
            "            ^\n");
}

TEST(ParserErrors, NotAClause) {
  EXPECT_EQ(errors("print ufid"),
            "test.ovsq:1:1: error: syntax error: expected a clause ('on', 'begin', "
            "'end') or a run limit ('every', 'for', 'limit')\n"
            "print ufid\n"
            "^~~~~\n");
  EXPECT_EQ(errors("# query\n  flow_result print ufid"),
            "test.ovsq:2:3: error: syntax error: expected a clause ('on', 'begin', "
            "'end') or a run limit ('every', 'for', 'limit')\n"
            "  flow_result print ufid\n"
            "  ^~~~~~~~~~~\n");
}

TEST(ParserErrors, MemberName) {
  EXPECT_EQ(errors("on p print ukey->"),
            "test.ovsq:1:18: error: syntax error: expected a member name after "
            "'->'\n"
            "on p print ukey->\n"
            "                 ^\n");
  EXPECT_EQ(errors("on p print ukey.1"),
            "test.ovsq:1:17: error: syntax error: expected a member name after "
            "'.'\n"
            "on p print ukey.1\n"
            "                ^\n");
}

TEST(ParserErrors, BadIntegers) {
  EXPECT_EQ(errors("on p print 12ab"),
            "test.ovsq:1:12: error: syntax error: invalid integer literal "
            "'12ab'\n"
            "on p print 12ab\n"
            "           ^~~~\n");
  // A unit must end the literal.
  EXPECT_EQ(errors("on p print 10msec"),
            "test.ovsq:1:12: error: syntax error: invalid integer literal "
            "'10msec'\n"
            "on p print 10msec\n"
            "           ^~~~~~\n");
  EXPECT_EQ(errors("on p print 0x10s + 1"),
            "test.ovsq:1:12: error: syntax error: invalid integer literal "
            "'0x10s'\n"
            "on p print 0x10s + 1\n"
            "           ^~~~~\n");
  EXPECT_EQ(errors("on p print 0x1g"),
            "test.ovsq:1:12: error: syntax error: invalid integer literal "
            "'0x1g'\n"
            "on p print 0x1g\n"
            "           ^~~~\n");
  EXPECT_EQ(errors("on p print 0x, 1"),
            "test.ovsq:1:14: error: syntax error: expected hex digits after "
            "'0x'\n"
            "on p print 0x, 1\n"
            "             ^\n");
}

TEST(ParserErrors, DeepNesting) {
  std::string deep = "on p print " + std::string(300, '(') + "a" +
                     std::string(300, ')');
  Parsed p(deep);
  ASSERT_EQ(p.diagnostics.list().size(), 1u);
  EXPECT_EQ(p.diagnostics.list()[0].message,
            "syntax error: expression nested too deeply");
  EXPECT_TRUE(ast("on p print " + std::string(200, '(') + "a" +
                  std::string(200, ')')) != "");
}

// ---- the full language -------------------------------------------------

// The statements of the only clause of a query that must parse.
const std::vector<Stmt>& statements(const Parsed& p) {
  EXPECT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  static const std::vector<Stmt> none;
  return p.program.clauses.empty() ? none : p.program.clauses[0].actions;
}

std::string text_of(const Parsed& p, const SourceLoc& loc) {
  return std::string(p.source.text_at(loc));
}

TEST(Parser, SketchFlowLifetime) {
  EXPECT_EQ(ast("on flow_put { @born[ufid] = now }\n"
                "on flow_result where result == UKEY_DELETE && @born[ufid] {\n"
                "    hist((now - @born[ufid]) / 1ms) by reason;\n"
                "    delete @born[ufid]\n"
                "}\n"),
            "(program\n"
            "  (clause\n"
            "    (probes flow_put)\n"
            "    (assign @born\n"
            "      (keys (ident ufid))\n"
            "      (ident now)))\n"
            "  (clause\n"
            "    (probes flow_result)\n"
            "    (where\n"
            "      (&& (== (ident result) (ident UKEY_DELETE)) "
            "(map @born (ident ufid))))\n"
            "    (aggregate\n"
            "      (call hist (/ (- (ident now) (map @born (ident ufid))) "
            "(duration 1000000)))\n"
            "      (keys (ident reason)))\n"
            "    (delete @born\n"
            "      (keys (ident ufid)))))\n");
}

TEST(Parser, SketchMainLoop) {
  EXPECT_EQ(ast("on run_start { @start[tid] = now }\n"
                "on poll_block where @start[tid] { hist((now - @start[tid]) / "
                "1us) }\n"),
            "(program\n"
            "  (clause\n"
            "    (probes run_start)\n"
            "    (assign @start\n"
            "      (keys (ident tid))\n"
            "      (ident now)))\n"
            "  (clause\n"
            "    (probes poll_block)\n"
            "    (where\n"
            "      (map @start (ident tid)))\n"
            "    (aggregate\n"
            "      (call hist (/ (- (ident now) (map @start (ident tid))) "
            "(duration 1000))))))\n");
}

TEST(Parser, CountByOnSeveralProbes) {
  Parsed p("on flow_result, flow_sweep_result where result == UKEY_DELETE "
           "count by probe, reason");
  ASSERT_EQ(statements(p).size(), 1u);
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes flow_result flow_sweep_result)\n"
            "    (where\n"
            "      (== (ident result) (ident UKEY_DELETE)))\n"
            "    (aggregate\n"
            "      (call count)\n"
            "      (keys (ident probe) (ident reason)))))\n");
  const auto& agg = std::get<AggregateStmt>(statements(p)[0]);
  EXPECT_EQ(agg.text, "count by probe, reason");
  EXPECT_EQ(agg.loc.column, 63u);
  EXPECT_EQ(agg.loc.length, 22u);
  EXPECT_EQ(agg.map_name, "");
  ASSERT_EQ(agg.keys.size(), 2u);
  EXPECT_EQ(text_of(p, agg.keys[1]->loc), "reason");
  const auto* call = agg.call->as<Call>();
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->name, "count");
  EXPECT_TRUE(call->args.empty());
  EXPECT_EQ(call->name_loc.column, 63u);
  EXPECT_EQ(call->name_loc.length, 5u);
  EXPECT_EQ(text_of(p, agg.call->loc), "count");
}

TEST(Parser, RunLimitsAfterAnAction) {
  Parsed p("on flow_result where result == UKEY_DELETE count by reason every "
           "1s for 10s");
  ASSERT_EQ(statements(p).size(), 1u);
  ASSERT_EQ(p.program.clauses.size(), 1u);
  const auto& agg = std::get<AggregateStmt>(statements(p)[0]);
  EXPECT_EQ(agg.text, "count by reason");
  EXPECT_TRUE(p.program.every.set);
  EXPECT_EQ(p.program.every.value, 1000000000u);
  EXPECT_EQ(text_of(p, p.program.every.loc), "every 1s");
  EXPECT_TRUE(p.program.for_duration.set);
  EXPECT_EQ(p.program.for_duration.value, 10000000000u);
  EXPECT_EQ(text_of(p, p.program.for_duration.loc), "for 10s");
  EXPECT_FALSE(p.program.limit.set);
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes flow_result)\n"
            "    (where\n"
            "      (== (ident result) (ident UKEY_DELETE)))\n"
            "    (aggregate\n"
            "      (call count)\n"
            "      (keys (ident reason))))\n"
            "  (every 1000000000)\n"
            "  (for 10000000000))\n");
}

TEST(Parser, RunLimitsAnywhere) {
  Parsed p("limit 0x10\n"
           "on p print a; every 2m\n"
           "on q print b for 1h;\n");
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  EXPECT_EQ(p.program.clauses.size(), 2u);
  EXPECT_EQ(p.program.limit.value, 16u);
  EXPECT_EQ(p.program.limit.loc.line, 1u);
  EXPECT_EQ(p.program.every.value, 120000000000u);
  EXPECT_EQ(p.program.every.loc.line, 2u);
  EXPECT_EQ(p.program.every.loc.column, 15u);
  EXPECT_EQ(p.program.for_duration.value, 3600000000000u);
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (print\n"
            "      (ident a)))\n"
            "  (clause\n"
            "    (probes q)\n"
            "    (print\n"
            "      (ident b)))\n"
            "  (every 120000000000)\n"
            "  (for 3600000000000)\n"
            "  (limit 16))\n");
}

TEST(Parser, BeginAndEnd) {
  Parsed p("begin { printf(\"tracing\\n\") }\n"
           "on p print a\n"
           "end exit");
  ASSERT_FALSE(p.diagnostics.has_errors()) << p.diagnostics.render();
  ASSERT_EQ(p.program.clauses.size(), 3u);
  EXPECT_EQ(p.program.clauses[0].kind, Clause::Kind::Begin);
  EXPECT_EQ(text_of(p, p.program.clauses[0].loc), "begin { printf(\"tracing\\n\") }");
  EXPECT_TRUE(p.program.clauses[0].probes.empty());
  EXPECT_EQ(p.program.clauses[1].kind, Clause::Kind::Probe);
  EXPECT_EQ(p.program.clauses[2].kind, Clause::Kind::End);
  EXPECT_EQ(text_of(p, p.program.clauses[2].loc), "end exit");
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (begin\n"
            "    (printf \"tracing\\n\"))\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (print\n"
            "      (ident a)))\n"
            "  (end\n"
            "    (exit)))\n");
}

TEST(Parser, Blocks) {
  const char* expected =
      "(program\n"
      "  (clause\n"
      "    (probes p)\n"
      "    (print\n"
      "      (ident a))\n"
      "    (print\n"
      "      (ident b)\n"
      "      (ident c))\n"
      "    (aggregate\n"
      "      (call count))\n"
      "    (exit)))\n";
  // ';' between statements, or just blanks; a last ';' is allowed.
  EXPECT_EQ(ast("on p { print a; print b, c; count(); exit; }"), expected);
  EXPECT_EQ(ast("on p {\n  print a\n  print b, c\n  count()\n  exit\n}"),
            expected);
  EXPECT_EQ(ast("on p{print a print b,c count() exit};"), expected);
  // An empty block.
  EXPECT_EQ(ast("on p {}\nend { }"),
            "(program\n"
            "  (clause\n"
            "    (probes p))\n"
            "  (end))\n");
  EXPECT_EQ(ast("on p where x > 1 { @n = count } on q { delete @n }"),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (where\n"
            "      (> (ident x) (int 1)))\n"
            "    (aggregate @n\n"
            "      (call count)))\n"
            "  (clause\n"
            "    (probes q)\n"
            "    (delete @n)))\n");
}

TEST(Parser, PrintAs) {
  Parsed p("on p print a as x, b->c, a + 1 as total, count, e as e");
  ASSERT_EQ(statements(p).size(), 1u);
  const auto& print = std::get<PrintStmt>(statements(p)[0]);
  ASSERT_EQ(print.items.size(), 5u);
  EXPECT_EQ(print.items[0].header, "x");
  EXPECT_EQ(print.items[1].header, "b->c");
  EXPECT_EQ(print.items[2].header, "total");
  EXPECT_EQ(text_of(p, print.items[2].expr->loc), "a + 1");
  EXPECT_EQ(print.items[3].header, "count");
  EXPECT_EQ(print.items[4].header, "e");
  EXPECT_EQ(text_of(p, print.loc),
            "print a as x, b->c, a + 1 as total, count, e as e");
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (print\n"
            "      (as x (ident a))\n"
            "      (-> (ident b) c)\n"
            "      (as total (+ (ident a) (int 1)))\n"
            "      (ident count)\n"
            "      (ident e))))\n");
  // An aggregation's name is not reserved.
  EXPECT_EQ(std::get<PrintStmt>(statements(Parsed("on p print x as count"))[0])
                .items[0]
                .header,
            "count");
}

TEST(Parser, Printf) {
  Parsed p("on p printf(\"%s took %llu\\tns\\n\", comm, now - @t[tid])");
  ASSERT_EQ(statements(p).size(), 1u);
  const auto& printf = std::get<PrintfStmt>(statements(p)[0]);
  EXPECT_EQ(printf.format, "%s took %llu\tns\n");
  EXPECT_EQ(text_of(p, printf.format_loc), "\"%s took %llu\\tns\\n\"");
  EXPECT_EQ(printf.format_loc.column, 13u);
  ASSERT_EQ(printf.args.size(), 2u);
  EXPECT_EQ(text_of(p, printf.args[1]->loc), "now - @t[tid]");
  EXPECT_TRUE(printf.pieces.empty());
  EXPECT_EQ(text_of(p, printf.loc),
            "printf(\"%s took %llu\\tns\\n\", comm, now - @t[tid])");
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (printf \"%s took %llu\\tns\\n\"\n"
            "      (ident comm)\n"
            "      (- (ident now) (map @t (ident tid))))))\n");
  EXPECT_EQ(std::get<PrintfStmt>(statements(Parsed("on p printf ( \"x\" )"))[0])
                .format,
            "x");
}

TEST(Parser, Aggregations) {
  EXPECT_EQ(ast("on p {\n"
                "  count\n"
                "  count() by a\n"
                "  sum(x) by a, b->c\n"
                "  avg(x)\n"
                "  min(x) max(y)\n"
                "  hist(x)\n"
                "  lhist(x, 0, 100, 10) by a\n"
                "}"),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (aggregate\n"
            "      (call count))\n"
            "    (aggregate\n"
            "      (call count)\n"
            "      (keys (ident a)))\n"
            "    (aggregate\n"
            "      (call sum (ident x))\n"
            "      (keys (ident a) (-> (ident b) c)))\n"
            "    (aggregate\n"
            "      (call avg (ident x)))\n"
            "    (aggregate\n"
            "      (call min (ident x)))\n"
            "    (aggregate\n"
            "      (call max (ident y)))\n"
            "    (aggregate\n"
            "      (call hist (ident x)))\n"
            "    (aggregate\n"
            "      (call lhist (ident x) (int 0) (int 100) (int 10))\n"
            "      (keys (ident a)))))\n");
  // Arity is sema's to check.
  EXPECT_EQ(ast("on p { count(1, 2) hist() }"),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (aggregate\n"
            "      (call count (int 1) (int 2)))\n"
            "    (aggregate\n"
            "      (call hist))))\n");
  Parsed p("on p { count() by a; lhist (x, 1, 2, 3) }");
  ASSERT_EQ(statements(p).size(), 2u);
  const auto& count = std::get<AggregateStmt>(statements(p)[0]);
  EXPECT_EQ(count.text, "count() by a");
  EXPECT_EQ(text_of(p, count.call->loc), "count()");
  const auto& lhist = std::get<AggregateStmt>(statements(p)[1]);
  EXPECT_EQ(lhist.text, "lhist (x, 1, 2, 3)");
  EXPECT_EQ(lhist.call->as<Call>()->args.size(), 4u);
  EXPECT_EQ(lhist.call->as<Call>()->name_loc.column, 22u);
}

TEST(Parser, NamedAggregations) {
  Parsed p("on p {\n"
           "  @idle[reason] = count()\n"
           "  @all = count\n"
           "  @lat[a, b] = hist(now - @t[tid])\n"
           "}");
  ASSERT_EQ(statements(p).size(), 3u);
  const auto& idle = std::get<AggregateStmt>(statements(p)[0]);
  EXPECT_EQ(idle.map_name, "@idle");
  EXPECT_EQ(idle.map_loc.line, 2u);
  EXPECT_EQ(idle.map_loc.column, 3u);
  EXPECT_EQ(idle.map_loc.length, 5u);
  EXPECT_EQ(idle.text, "@idle[reason] = count()");
  EXPECT_EQ(idle.keys.size(), 1u);
  const auto& all = std::get<AggregateStmt>(statements(p)[1]);
  EXPECT_EQ(all.map_name, "@all");
  EXPECT_TRUE(all.keys.empty());
  ASSERT_NE(all.call->as<Call>(), nullptr);
  EXPECT_EQ(all.call->as<Call>()->name_loc.column, 10u);
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (aggregate @idle\n"
            "      (call count)\n"
            "      (keys (ident reason)))\n"
            "    (aggregate @all\n"
            "      (call count))\n"
            "    (aggregate @lat\n"
            "      (call hist (- (ident now) (map @t (ident tid))))\n"
            "      (keys (ident a) (ident b)))))\n");
}

TEST(Parser, MapAssignment) {
  Parsed p("on p { @born[ufid] = now; @x = 1 + 2; @a[@b[x], y] = count() + 1; "
           "@f = foo(1) }");
  ASSERT_EQ(statements(p).size(), 4u);
  const auto& born = std::get<AssignStmt>(statements(p)[0]);
  EXPECT_EQ(born.map_name, "@born");
  EXPECT_EQ(born.map_loc.column, 8u);
  EXPECT_EQ(born.map_loc.length, 5u);
  EXPECT_EQ(text_of(p, born.loc), "@born[ufid] = now");
  EXPECT_EQ(text_of(p, born.value->loc), "now");
  // Only a bare aggregation call is an aggregation.
  EXPECT_TRUE(std::holds_alternative<AssignStmt>(statements(p)[2]));
  EXPECT_TRUE(std::holds_alternative<AssignStmt>(statements(p)[3]));
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (assign @born\n"
            "      (keys (ident ufid))\n"
            "      (ident now))\n"
            "    (assign @x\n"
            "      (+ (int 1) (int 2)))\n"
            "    (assign @a\n"
            "      (keys (map @b (ident x)) (ident y))\n"
            "      (+ (call count) (int 1)))\n"
            "    (assign @f\n"
            "      (call foo (int 1)))))\n");
}

TEST(Parser, DeleteAndExit) {
  Parsed p("on p { delete @born[ufid]; delete @x; delete @m[a, b]; exit; "
           "exit() }");
  ASSERT_EQ(statements(p).size(), 5u);
  const auto& del = std::get<DeleteStmt>(statements(p)[0]);
  EXPECT_EQ(del.map_name, "@born");
  EXPECT_EQ(del.map_loc.column, 15u);
  EXPECT_EQ(text_of(p, del.loc), "delete @born[ufid]");
  EXPECT_EQ(text_of(p, std::get<ExitStmt>(statements(p)[3]).loc), "exit");
  EXPECT_EQ(text_of(p, std::get<ExitStmt>(statements(p)[4]).loc), "exit()");
  EXPECT_EQ(dump(p.program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (delete @born\n"
            "      (keys (ident ufid)))\n"
            "    (delete @x)\n"
            "    (delete @m\n"
            "      (keys (ident a) (ident b)))\n"
            "    (exit)\n"
            "    (exit)))\n");
}

TEST(Parser, StringLiterals) {
  EXPECT_EQ(expr("\"hello\""), "(str \"hello\")");
  EXPECT_EQ(expr("\"\""), "(str \"\")");
  EXPECT_EQ(expr("\"a\\nb\\tc\\\\d\\\"e\\0f\""),
            "(str \"a\\nb\\tc\\\\d\\\"e\\0f\")");
  EXPECT_EQ(expr("comm == \"ovs-vswitchd\""),
            "(== (ident comm) (str \"ovs-vswitchd\"))");
  EXPECT_EQ(expr("\"# not a comment\""), "(str \"# not a comment\")");
  Parsed p("on p print \"a\\n\\0\\\"\xc3\xa9\", x");
  const auto& items = std::get<PrintStmt>(statements(p).at(0)).items;
  const auto* str = items[0].expr->as<StringLiteral>();
  ASSERT_NE(str, nullptr);
  EXPECT_EQ(str->value, std::string("a\n\0\"\xc3\xa9", 6));
  EXPECT_EQ(items[0].expr->loc.column, 12u);
  EXPECT_EQ(items[0].expr->loc.length, 11u);
  EXPECT_EQ(items[0].header, "\"a\\n\\0\\\"\xc3\xa9\"");
}

TEST(Parser, DurationLiterals) {
  EXPECT_EQ(expr("1ns"), "(duration 1)");
  EXPECT_EQ(expr("10us"), "(duration 10000)");
  EXPECT_EQ(expr("10ms"), "(duration 10000000)");
  EXPECT_EQ(expr("1s"), "(duration 1000000000)");
  EXPECT_EQ(expr("2m"), "(duration 120000000000)");
  EXPECT_EQ(expr("1h"), "(duration 3600000000000)");
  EXPECT_EQ(expr("0s"), "(duration 0)");
  EXPECT_EQ(expr("18446744073709551615ns"), "(duration 18446744073709551615)");
  EXPECT_EQ(expr("(now - t) / 1ms"),
            "(/ (- (ident now) (ident t)) (duration 1000000))");
  Parsed p("on p print 100ms, 100");
  const auto& items = std::get<PrintStmt>(statements(p).at(0)).items;
  EXPECT_TRUE(items[0].expr->as<IntLiteral>()->is_duration);
  EXPECT_EQ(items[0].expr->loc.length, 5u);
  EXPECT_EQ(items[0].header, "100ms");
  EXPECT_FALSE(items[1].expr->as<IntLiteral>()->is_duration);
}

TEST(Parser, MapReads) {
  EXPECT_EQ(expr("@x"), "(map @x)");
  EXPECT_EQ(expr("@born[ufid]"), "(map @born (ident ufid))");
  EXPECT_EQ(expr("@m[a, b + 1]"), "(map @m (ident a) (+ (ident b) (int 1)))");
  EXPECT_EQ(expr("@a[@b[x]] + @c"), "(+ (map @a (map @b (ident x))) (map @c))");
  // Any word may name a map.
  EXPECT_EQ(expr("@end[@count]"), "(map @end (map @count))");
  Parsed p("on p print @born [ ufid ], x");
  const auto& items = std::get<PrintStmt>(statements(p).at(0)).items;
  const auto* map = items[0].expr->as<MapRead>();
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->name, "@born");
  ASSERT_EQ(map->keys.size(), 1u);
  EXPECT_EQ(map->keys[0]->loc.column, 20u);
  EXPECT_EQ(items[0].expr->loc.column, 12u);
  EXPECT_EQ(items[0].expr->loc.length, 14u);
  EXPECT_EQ(items[0].header, "@born [ ufid ]");
}

TEST(Parser, Calls) {
  EXPECT_EQ(expr("count()"), "(call count)");
  EXPECT_EQ(expr("count"), "(ident count)");
  EXPECT_EQ(expr("hist(x)"), "(call hist (ident x))");
  EXPECT_EQ(expr("lhist(x, 0, 10, 1)"),
            "(call lhist (ident x) (int 0) (int 10) (int 1))");
  EXPECT_EQ(expr("f(g(1), -h())"), "(call f (call g (int 1)) (- (call h)))");
  EXPECT_EQ(expr("sum (x) + 1"), "(+ (call sum (ident x)) (int 1))");
  EXPECT_EQ(expr("f(a)->b"), "(-> (call f (ident a)) b)");
  Parsed p("on p print  sum ( a , b )");
  const Expr& e = *std::get<PrintStmt>(statements(p).at(0)).items[0].expr;
  const auto* call = e.as<Call>();
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->name, "sum");
  EXPECT_EQ(call->name_loc.column, 13u);
  EXPECT_EQ(call->name_loc.length, 3u);
  EXPECT_EQ(e.loc.column, 13u);
  EXPECT_EQ(e.loc.length, 13u);
  EXPECT_EQ(call->args[1]->loc.column, 23u);
}

TEST(Parser, NewKeywordsAndNames) {
  // Members and a probe's second half may be any word.
  EXPECT_EQ(expr("a->end.for.by.as"), "(. (. (. (-> (ident a) end) for) by) as)");
  EXPECT_EQ(ast("on revalidate_ukey__:exit print ufid"),
            "(program\n"
            "  (clause\n"
            "    (probes revalidate_ukey__:exit)\n"
            "    (print\n"
            "      (ident ufid))))\n");
  // Aggregation names are names in expressions; keywords end at a word
  // boundary.
  EXPECT_EQ(expr("count + sum + hist + format + begins + ending + bye + asx"),
            "(+ (+ (+ (+ (+ (+ (+ (ident count) (ident sum)) (ident hist)) "
            "(ident format)) (ident begins)) (ident ending)) (ident bye)) "
            "(ident asx))");
}

TEST(Parser, DumpOfTypesAndMapIds) {
  Parsed p("on p { @m[\"k\"] = count(); print @m[x] }");
  ASSERT_EQ(statements(p).size(), 2u);
  Program& program = p.program;
  auto& agg = std::get<AggregateStmt>(program.clauses[0].actions[0]);
  agg.map_id = 0;
  agg.keys[0]->type.kind = ValueType::Kind::String;
  agg.keys[0]->type.size = 2;
  auto& print = std::get<PrintStmt>(program.clauses[0].actions[1]);
  print.items[0].expr->binding.map_id = 0;
  print.items[0].expr->type.kind = ValueType::Kind::Integer;
  print.items[0].expr->type.size = 8;
  EXPECT_EQ(dump(program),
            "(program\n"
            "  (clause\n"
            "    (probes p)\n"
            "    (aggregate @m #0\n"
            "      (call count)\n"
            "      (keys (str \"k\") : string[2]))\n"
            "    (print\n"
            "      (map @m #0 (ident x)) : u64)))\n");
}

// ---- syntax errors of the full language ---------------------------------

TEST(ParserErrors, Strings) {
  EXPECT_EQ(errors("on p print \"abc"),
            "test.ovsq:1:12: error: syntax error: unterminated string literal\n"
            "on p print \"abc\n"
            "           ^\n");
  EXPECT_EQ(errors("on p print \"abc\n\", x"),
            "test.ovsq:1:12: error: syntax error: unterminated string literal\n"
            "on p print \"abc\n"
            "           ^\n");
  EXPECT_EQ(errors("on p print \"ab\\"),
            "test.ovsq:1:12: error: syntax error: unterminated string literal\n"
            "on p print \"ab\\\n"
            "           ^\n");
  EXPECT_EQ(errors("on p print \"a\\qb\""),
            "test.ovsq:1:14: error: syntax error: unknown escape sequence '\\q' "
            "in a string literal (use \\n, \\t, \\\\, \\\" or \\0)\n"
            "on p print \"a\\qb\"\n"
            "             ^~\n");
  EXPECT_EQ(errors("on p print \"\\\xc3\xa9\""),
            "test.ovsq:1:13: error: syntax error: unknown escape sequence "
            "'\\\xc3\xa9' in a string literal (use \\n, \\t, \\\\, \\\" or \\0)\n"
            "on p print \"\\\xc3\xa9\"\n"
            "            ^~\n");
}

TEST(ParserErrors, Durations) {
  EXPECT_EQ(errors("on p print 18446744073709551616ns"),
            "test.ovsq:1:12: error: duration '18446744073709551616ns' does not "
            "fit in 64 bits of nanoseconds\n"
            "on p print 18446744073709551616ns\n"
            "           ^~~~~~~~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(errors("on p print 5124096h"),
            "test.ovsq:1:12: error: duration '5124096h' does not fit in 64 "
            "bits of nanoseconds\n"
            "on p print 5124096h\n"
            "           ^~~~~~~~\n");
  Parsed p("on p print 5124095h");
  EXPECT_FALSE(p.diagnostics.has_errors());
  Parsed too_large("on p print 5124096h");
  ASSERT_EQ(too_large.diagnostics.list().size(), 1u);
  EXPECT_EQ(too_large.diagnostics.list()[0].kind,
            DiagnosticKind::DurationTooLarge);
}

TEST(ParserErrors, Maps) {
  EXPECT_EQ(errors("on p print @ x"),
            "test.ovsq:1:13: error: syntax error: expected a map name after "
            "'@'\n"
            "on p print @ x\n"
            "            ^\n");
  EXPECT_EQ(errors("on p print @1"),
            "test.ovsq:1:13: error: syntax error: expected a map name after "
            "'@'\n"
            "on p print @1\n"
            "            ^\n");
  EXPECT_EQ(errors("on p print @m[a b]"),
            "test.ovsq:1:17: error: syntax error: expected ',' or ']'\n"
            "on p print @m[a b]\n"
            "                ^\n");
  EXPECT_EQ(errors("on p print @m[]"),
            "test.ovsq:1:15: error: syntax error: expected an expression after "
            "'['\n"
            "on p print @m[]\n"
            "              ^\n");
  EXPECT_EQ(errors("on p @m[k] == now"),
            "test.ovsq:1:12: error: syntax error: expected '=' after ']'\n"
            "on p @m[k] == now\n"
            "           ^\n");
  EXPECT_EQ(errors("on p @m ="),
            "test.ovsq:1:10: error: syntax error: expected an expression or "
            "aggregation after '='\n"
            "on p @m =\n"
            "         ^\n");
  EXPECT_EQ(errors("on p @idle = count() by reason"),
            "test.ovsq:1:22: error: syntax error: unexpected 'by' after an "
            "assignment to a map: its keys go in '@name[...]'\n"
            "on p @idle = count() by reason\n"
            "                     ^~\n");
  EXPECT_EQ(errors("on p delete born[ufid]"),
            "test.ovsq:1:13: error: syntax error: expected a map such as "
            "'@name[key]' after 'delete'\n"
            "on p delete born[ufid]\n"
            "            ^~~~\n");
}

TEST(ParserErrors, Printf) {
  EXPECT_EQ(errors("on p printf \"x\""),
            "test.ovsq:1:13: error: syntax error: expected '(' after 'printf'\n"
            "on p printf \"x\"\n"
            "            ^\n");
  EXPECT_EQ(errors("on p printf(comm)"),
            "test.ovsq:1:13: error: syntax error: expected a format string in "
            "double quotes after 'printf('\n"
            "on p printf(comm)\n"
            "            ^~~~\n");
  EXPECT_EQ(errors("on p printf(\"%d\" x)"),
            "test.ovsq:1:18: error: syntax error: expected ',' or ')'\n"
            "on p printf(\"%d\" x)\n"
            "                 ^\n");
  EXPECT_EQ(errors("on p printf(\"%d\", x"),
            "test.ovsq:1:20: error: syntax error: expected ',' or ')'\n"
            "on p printf(\"%d\", x\n"
            "                   ^\n");
}

TEST(ParserErrors, Aggregations) {
  EXPECT_EQ(errors("on p sum by x"),
            "test.ovsq:1:10: error: syntax error: expected '(' after 'sum'\n"
            "on p sum by x\n"
            "         ^~\n");
  EXPECT_EQ(errors("on p hist(,)"),
            "test.ovsq:1:11: error: syntax error: expected an expression or ')' "
            "after '('\n"
            "on p hist(,)\n"
            "          ^\n");
  EXPECT_EQ(errors("on p count by"),
            "test.ovsq:1:14: error: syntax error: expected an expression after "
            "'by'\n"
            "on p count by\n"
            "             ^\n");
  EXPECT_EQ(errors("on p count by a,"),
            "test.ovsq:1:17: error: syntax error: expected an expression after "
            "','\n"
            "on p count by a,\n"
            "                ^\n");
  EXPECT_EQ(errors("on p count bye reason"),
            "test.ovsq:1:12: error: syntax error: expected 'by', a new clause or "
            "a run limit after the aggregation; did you mean 'by'?\n"
            "on p count bye reason\n"
            "           ^~~\n");
  EXPECT_EQ(errors("on p count by a b"),
            "test.ovsq:1:17: error: syntax error: expected ',', a new clause or "
            "a run limit after the 'by' list\n"
            "on p count by a b\n"
            "                ^\n");
  EXPECT_EQ(errors("on p print f(a b)"),
            "test.ovsq:1:16: error: syntax error: expected ',' or ')'\n"
            "on p print f(a b)\n"
            "               ^\n");
}

TEST(ParserErrors, MisspeltKeywords) {
  EXPECT_EQ(errors("on flow_result where result == UKEY_DELETE cont by reason"),
            "test.ovsq:1:44: error: syntax error: expected an action or '{' "
            "after the 'where' condition; did you mean 'count'?\n"
            "on flow_result where result == UKEY_DELETE cont by reason\n"
            "                                           ^~~~\n");
  EXPECT_EQ(errors("on p cont by reason"),
            "test.ovsq:1:6: error: syntax error: expected 'where', an action or "
            "'{' after the probe list; did you mean 'count'?\n"
            "on p cont by reason\n"
            "     ^~~~\n");
  EXPECT_EQ(errors("on p count by reason evry 1s"),
            "test.ovsq:1:22: error: syntax error: expected ',', a new clause or "
            "a run limit after the 'by' list; did you mean 'every'?\n"
            "on p count by reason evry 1s\n"
            "                     ^~~~\n");
  EXPECT_EQ(errors("on p print a az x"),
            "test.ovsq:1:14: error: syntax error: expected ',', a new clause or "
            "a run limit after the print list; did you mean 'as'?\n"
            "on p print a az x\n"
            "             ^~\n");
  EXPECT_EQ(errors("bgin { exit }"),
            "test.ovsq:1:1: error: syntax error: expected a clause ('on', "
            "'begin', 'end') or a run limit ('every', 'for', 'limit'); did you "
            "mean 'begin'?\n"
            "bgin { exit }\n"
            "^~~~\n");
  EXPECT_EQ(errors("on p { prnt a }"),
            "test.ovsq:1:8: error: syntax error: expected a statement or '}'; "
            "did you mean 'print'?\n"
            "on p { prnt a }\n"
            "       ^~~~\n");
  EXPECT_EQ(errors("on p dlete @x"),
            "test.ovsq:1:6: error: syntax error: expected 'where', an action or "
            "'{' after the probe list; did you mean 'delete'?\n"
            "on p dlete @x\n"
            "     ^~~~~\n");
}

TEST(ParserErrors, Blocks) {
  EXPECT_EQ(errors("on p {\n  print a\n"),
            "test.ovsq:1:6: error: syntax error: unclosed '{'\n"
            "on p {\n"
            "     ^\n");
  EXPECT_EQ(errors("on p { print a on q print b }"),
            "test.ovsq:1:16: error: syntax error: expected '}' to close the "
            "block before 'on'\n"
            "on p { print a on q print b }\n"
            "               ^~\n");
  EXPECT_EQ(errors("on p { print a b }"),
            "test.ovsq:1:16: error: syntax error: expected ',', a statement or "
            "'}' after the print list\n"
            "on p { print a b }\n"
            "               ^\n");
  EXPECT_EQ(errors("on p { count bye x }"),
            "test.ovsq:1:14: error: syntax error: expected 'by', a statement or "
            "'}' after the aggregation; did you mean 'by'?\n"
            "on p { count bye x }\n"
            "             ^~~\n");
  EXPECT_EQ(errors("on p { @x = 1 = 2 }"),
            "test.ovsq:1:15: error: syntax error: unexpected '='; did you mean "
            "'=='?\n"
            "on p { @x = 1 = 2 }\n"
            "              ^\n");
  EXPECT_EQ(errors("on p {;}"),
            "test.ovsq:1:7: error: syntax error: expected a statement or '}'\n"
            "on p {;}\n"
            "      ^\n");
  EXPECT_EQ(errors("on p { exit;; exit }"),
            "test.ovsq:1:13: error: syntax error: expected a statement or '}'\n"
            "on p { exit;; exit }\n"
            "            ^\n");
  EXPECT_EQ(errors("begin"),
            "test.ovsq:1:6: error: syntax error: expected an action or '{' after "
            "'begin'\n"
            "begin\n"
            "     ^\n");
  EXPECT_EQ(errors("on p print a }"),
            "test.ovsq:1:14: error: syntax error: expected ',', a new clause or "
            "a run limit after the print list\n"
            "on p print a }\n"
            "             ^\n");
}

TEST(ParserErrors, SeveralStatementsWithoutBraces) {
  EXPECT_EQ(errors("on p print a; print b"),
            "test.ovsq:1:15: error: syntax error: expected a new clause; a "
            "clause with several statements needs them in '{ ... }'\n"
            "on p print a; print b\n"
            "              ^~~~~\n");
  EXPECT_EQ(errors("on p @x = 1 @y = 2"),
            "test.ovsq:1:13: error: syntax error: expected a new clause; a "
            "clause with several statements needs them in '{ ... }'\n"
            "on p @x = 1 @y = 2\n"
            "            ^\n");
  EXPECT_EQ(errors("on p print a count by x"),
            "test.ovsq:1:14: error: syntax error: expected a new clause; a "
            "clause with several statements needs them in '{ ... }'\n"
            "on p print a count by x\n"
            "             ^~~~~\n");
}

TEST(ParserErrors, Print) {
  EXPECT_EQ(errors("on p print a as"),
            "test.ovsq:1:16: error: syntax error: expected a column name after "
            "'as'\n"
            "on p print a as\n"
            "               ^\n");
  EXPECT_EQ(errors("on p print a as limit"),
            "test.ovsq:1:17: error: syntax error: expected a column name after "
            "'as'\n"
            "on p print a as limit\n"
            "                ^~~~~\n");
  // New keywords are reserved.
  EXPECT_EQ(errors("on p print for"),
            "test.ovsq:1:12: error: syntax error: expected an expression after "
            "'print'\n"
            "on p print for\n"
            "           ^~~\n");
  EXPECT_EQ(errors("on p exit(1)"),
            "test.ovsq:1:11: error: syntax error: expected ')'\n"
            "on p exit(1)\n"
            "          ^\n");
}

TEST(ParserErrors, RunLimits) {
  EXPECT_EQ(errors("on p count every 1000"),
            "test.ovsq:1:18: error: 'every' needs a duration such as 1s or "
            "100ms\n"
            "on p count every 1000\n"
            "                 ^~~~\n");
  EXPECT_EQ(errors("on p count for 10"),
            "test.ovsq:1:16: error: 'for' needs a duration such as 1s or 100ms\n"
            "on p count for 10\n"
            "               ^~\n");
  EXPECT_EQ(errors("on p print a limit 1s"),
            "test.ovsq:1:20: error: 'limit' needs a number of rows such as 100, "
            "not a duration\n"
            "on p print a limit 1s\n"
            "                   ^~\n");
  EXPECT_EQ(errors("on p print a limit 0"),
            "test.ovsq:1:20: error: 'limit' needs a value greater than zero\n"
            "on p print a limit 0\n"
            "                   ^\n");
  EXPECT_EQ(errors("on p count every 0ms"),
            "test.ovsq:1:18: error: 'every' needs a value greater than zero\n"
            "on p count every 0ms\n"
            "                 ^~~\n");
  EXPECT_EQ(errors("on p count every 1s\nevery 2s"),
            "test.ovsq:2:1: error: 'every' is given twice\n"
            "every 2s\n"
            "^~~~~~~~\n");
  EXPECT_EQ(errors("limit 5 on p print a; limit 10"),
            "test.ovsq:1:23: error: 'limit' is given twice\n"
            "limit 5 on p print a; limit 10\n"
            "                      ^~~~~~~~\n");
  EXPECT_EQ(errors("on p count every"),
            "test.ovsq:1:17: error: syntax error: expected a duration such as 1s "
            "or 100ms after 'every'\n"
            "on p count every\n"
            "                ^\n");
  EXPECT_EQ(errors("on p count for ever"),
            "test.ovsq:1:16: error: syntax error: expected a duration such as 1s "
            "or 100ms after 'for'\n"
            "on p count for ever\n"
            "               ^~~~\n");
  EXPECT_EQ(errors("on p count limit -1"),
            "test.ovsq:1:18: error: syntax error: expected a number of rows "
            "after 'limit'\n"
            "on p count limit -1\n"
            "                 ^\n");
  Parsed p("on p count every 1000");
  ASSERT_EQ(p.diagnostics.list().size(), 1u);
  EXPECT_EQ(p.diagnostics.list()[0].kind, DiagnosticKind::RunLimitNeedsDuration);
  Parsed twice("on p count for 1s for 1s");
  ASSERT_EQ(twice.diagnostics.list().size(), 1u);
  EXPECT_EQ(twice.diagnostics.list()[0].kind, DiagnosticKind::DuplicateRunLimit);
}

}  // namespace
}  // namespace ovsq::frontend

// The session continues an unfinished program on a "...>" prompt; a
// finished one, right or wrong, runs (or is reported) at once.
namespace ovsq::frontend {
namespace {
bool more(std::string_view text) { return needs_more_input({"<session>", std::string(text)}); }

TEST(NeedsMoreInput, UnfinishedPrograms) {
  EXPECT_TRUE(more("on flow_result"));
  EXPECT_TRUE(more("on flow_result\n"));
  EXPECT_TRUE(more("on flow_result,"));
  EXPECT_TRUE(more("on flow_result {"));
  EXPECT_TRUE(more("on flow_result {\n  count by reason;\n"));
  EXPECT_TRUE(more("on flow_result where reason =="));
  EXPECT_TRUE(more("on flow_result where reason == FDR_FLOW_IDLE &&"));
  EXPECT_TRUE(more("on flow_result print ufid,"));
  EXPECT_TRUE(more("on flow_result print ufid, # a comment\n"));
  EXPECT_TRUE(more("on flow_result count by"));
}

TEST(NeedsMoreInput, FinishedOrWrongPrograms) {
  EXPECT_FALSE(more("on flow_result print ufid"));
  EXPECT_FALSE(more("on flow_result { count by reason }"));
  EXPECT_FALSE(more(""));                         // nothing to continue
  EXPECT_FALSE(more("   # only a comment\n"));
  EXPECT_FALSE(more("on flow_result print \"abc"));  // unterminated string
  EXPECT_FALSE(more("on flow_result print ufid )"));  // wrong, not unfinished
  EXPECT_FALSE(more("on flow_result wher reason"));
}
}  // namespace
}  // namespace ovsq::frontend
