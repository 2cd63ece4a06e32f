// The parser: AST shape (through dump()), locations, and the exact text of
// every syntax error.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

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
      "test.ovsq:1:1: error: the query is empty: write 'on <probe> print "
      "<expr>'\n";
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
            "test.ovsq:1:16: error: syntax error: expected 'where', 'print' or "
            "',' after the probe list; did you mean 'where'?\n"
            "on flow_result wher reason == 1 print ufid\n"
            "               ^~~~\n");
}

TEST(ParserErrors, NothingAfterProbeList) {
  EXPECT_EQ(errors("on flow_result reason"),
            "test.ovsq:1:16: error: syntax error: expected 'where', 'print' or "
            "',' after the probe list\n"
            "on flow_result reason\n"
            "               ^~~~~~\n");
  EXPECT_EQ(errors("on flow_result\n"),
            "test.ovsq:1:15: error: syntax error: expected 'where', 'print' or "
            "',' after the probe list\n"
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
            "test.ovsq:1:14: error: syntax error: expected ',' or a new 'on' "
            "clause after the print list\n"
            "on p print a b\n"
            "             ^\n");
  EXPECT_EQ(errors("on p print a\nom q print b"),
            "test.ovsq:2:1: error: syntax error: expected ',' or a new 'on' "
            "clause after the print list; did you mean 'on'?\n"
            "om q print b\n"
            "^~\n");
}

TEST(ParserErrors, AfterSemicolon) {
  EXPECT_EQ(errors("on p print a; ; on q print b"),
            "test.ovsq:1:15: error: syntax error: expected 'on' to start a "
            "clause\n"
            "on p print a; ; on q print b\n"
            "              ^\n");
}

TEST(ParserErrors, NoPrintAfterWhere) {
  EXPECT_EQ(errors("on p where a prnt b"),
            "test.ovsq:1:14: error: syntax error: expected 'print' after the "
            "'where' condition; did you mean 'print'?\n"
            "on p where a prnt b\n"
            "             ^~~~\n");
  EXPECT_EQ(errors("on p where a"),
            "test.ovsq:1:13: error: syntax error: expected 'print' after the "
            "'where' condition\n"
            "on p where a\n"
            "            ^\n");
}

TEST(ParserErrors, NotAClause) {
  EXPECT_EQ(errors("print ufid"),
            "test.ovsq:1:1: error: syntax error: expected 'on' to start a "
            "clause\n"
            "print ufid\n"
            "^~~~~\n");
  EXPECT_EQ(errors("# query\n  flow_result print ufid"),
            "test.ovsq:2:3: error: syntax error: expected 'on' to start a "
            "clause\n"
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
  EXPECT_EQ(errors("on p print 10ms"),
            "test.ovsq:1:12: error: syntax error: invalid integer literal "
            "'10ms'\n"
            "on p print 10ms\n"
            "           ^~~~\n");
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

}  // namespace
}  // namespace ovsq::frontend
