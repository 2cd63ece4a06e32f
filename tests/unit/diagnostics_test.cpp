// Diagnostics: the exact rendered text, message formatting, "did you mean"
// and the text of every kind in diagnostic_kinds.def.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frontend/diagnostics.h"

namespace ovsq::frontend {
namespace {

const char* kIdle = "on flow_result where reason == FDR_FLOW_IDEL print ufid";
const std::vector<std::string> kReasons = {
    "FDR_NONE", "FDR_AVOID_CACHING", "FDR_BAD_ODP_FIT", "FDR_FLOW_IDLE",
    "FDR_FLOW_LIMIT", "FDR_FLOW_WILDCARDED", "FDR_NO_OFPROTO",
    "FDR_PURGE", "FDR_TOO_EXPENSIVE", "FDR_UPDATE_FAIL", "FDR_XLATION_ERROR"};

TEST(Diagnostics, RendersCaretTildesAndSuggestion) {
  Source source{"idle.ovsq", kIdle};
  Diagnostics diags(source);
  diags.error_with_suggestion(DiagnosticKind::UnknownEnumConstant,
                              source.loc_at(31, 13), {"FDR_FLOW_IDEL"},
                              "FDR_FLOW_IDEL", kReasons);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.list()[0].suggestion, "FDR_FLOW_IDLE");
  EXPECT_EQ(diags.render(),
            "idle.ovsq:1:32: error: unknown enum constant 'FDR_FLOW_IDEL'; did "
            "you mean 'FDR_FLOW_IDLE'?\n"
            "on flow_result where reason == FDR_FLOW_IDEL print ufid\n"
            "                               ^~~~~~~~~~~~~\n");
}

TEST(Diagnostics, NoSuggestionWhenNothingIsNear) {
  Source source{"idle.ovsq", kIdle};
  Diagnostics diags(source);
  diags.error_with_suggestion(DiagnosticKind::UnknownEnumConstant,
                              source.loc_at(31, 13), {"FDR_FLOW_IDEL"},
                              "FDR_FLOW_IDEL", {"UKEY_KEEP", "UKEY_DELETE"});
  EXPECT_EQ(diags.list()[0].suggestion, "");
  EXPECT_EQ(diags.render(diags.list()[0]),
            "idle.ovsq:1:32: error: unknown enum constant 'FDR_FLOW_IDEL'\n"
            "on flow_result where reason == FDR_FLOW_IDEL print ufid\n"
            "                               ^~~~~~~~~~~~~");
}

TEST(Diagnostics, SingleCharacterCaret) {
  Source source{"<command-line>", "on p print a $ b"};
  Diagnostics diags(source);
  diags.error(DiagnosticKind::SyntaxError, source.loc_at(13),
              {"unexpected character '$'"});
  EXPECT_EQ(diags.render(),
            "<command-line>:1:14: error: syntax error: unexpected character "
            "'$'\n"
            "on p print a $ b\n"
            "             ^\n");
}

TEST(Diagnostics, TabsAreKeptSoTheCaretLinesUp) {
  Source source{"tabs.ovsq", "on flow_result\n\twhere\treason == 9 print ufid\n"};
  Diagnostics diags(source);
  SourceLoc loc = source.loc_at(22, 6);  // reason
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 8u);
  diags.error(DiagnosticKind::UnknownName, loc, {"reason"});
  EXPECT_EQ(diags.render(),
            "tabs.ovsq:2:8: error: unknown name 'reason'\n"
            "\twhere\treason == 9 print ufid\n"
            "\t     \t^~~~~~\n");
}

TEST(Diagnostics, AtEndOfInput) {
  Source source{"q.ovsq", "on flow_result print"};
  Diagnostics diags(source);
  SourceLoc loc = source.loc_at(20);
  EXPECT_EQ(loc.column, 21u);
  diags.error(DiagnosticKind::SyntaxError, loc,
              {"expected an expression after 'print'"});
  EXPECT_EQ(diags.render(),
            "q.ovsq:1:21: error: syntax error: expected an expression after "
            "'print'\n"
            "on flow_result print\n"
            "                    ^\n");
}

TEST(Diagnostics, MultiLineSource) {
  Source source{"script.ovsq",
                "# flows deleted because idle\n"
                "on flow_result\n"
                "  where reason == FDR_FLOW_IDLE && ukey->pmd_idd == 3\r\n"
                "  print ufid\n"};
  Diagnostics diags(source);
  size_t offset = source.text.find("pmd_idd");
  SourceLoc loc = source.loc_at(offset, 7);
  EXPECT_EQ(loc.line, 3u);
  EXPECT_EQ(loc.column, 42u);
  diags.error_with_suggestion(DiagnosticKind::UnknownMember, loc,
                              {"struct udpif_key", "pmd_idd"}, "pmd_idd",
                              {"key", "key_len", "mask", "pmd_id", "ufid"});
  EXPECT_EQ(diags.render(),
            "script.ovsq:3:42: error: 'struct udpif_key' has no member "
            "'pmd_idd'; did you mean 'pmd_id'?\n"
            "  where reason == FDR_FLOW_IDLE && ukey->pmd_idd == 3\n"
            "                                         ^~~~~~~\n");
}

TEST(Diagnostics, SeveralDiagnosticsEachEndWithANewline) {
  Source source{"q.ovsq", "on flow_reslt print ufid, ukey->ky"};
  Diagnostics diags(source);
  EXPECT_EQ(diags.render(), "");
  diags.error_with_suggestion(DiagnosticKind::UnknownProbe,
                              source.loc_at(3, 10), {"flow_reslt"},
                              "flow_reslt", {"flow_put", "flow_result"});
  diags.error(DiagnosticKind::UnknownMember, source.loc_at(32, 2),
              {"struct udpif_key", "ky"});
  EXPECT_EQ(diags.render(),
            "q.ovsq:1:4: error: unknown probe 'flow_reslt'; did you mean "
            "'flow_result'?\n"
            "on flow_reslt print ufid, ukey->ky\n"
            "   ^~~~~~~~~~\n"
            "q.ovsq:1:33: error: 'struct udpif_key' has no member 'ky'\n"
            "on flow_reslt print ufid, ukey->ky\n"
            "                                ^~\n");
}

// The same words without a position, for the session's dot-commands.
TEST(Diagnostics, MessageWithoutAPosition) {
  EXPECT_EQ(diagnostic_message(DiagnosticKind::UnknownProbe, {"flow_reslt"}),
            "unknown probe 'flow_reslt'");
  EXPECT_EQ(with_did_you_mean("unknown probe 'flow_reslt'", "flow_reslt",
                              {"flow_put", "flow_result"}),
            "unknown probe 'flow_reslt'; did you mean 'flow_result'?");
  // Nothing near enough: the message alone.
  EXPECT_EQ(with_did_you_mean("unknown probe 'zzz'", "zzz",
                              {"flow_put", "flow_result"}),
            "unknown probe 'zzz'");
}

TEST(Diagnostics, TildesStopAtTheEndOfTheLine) {
  Source source{"q.ovsq", "on p print a +\n  b"};
  Diagnostics diags(source);
  diags.error(DiagnosticKind::OperandNotInteger, source.loc_at(11, 7),
              {"+", "a", "a ufid"});
  EXPECT_EQ(diags.render(),
            "q.ovsq:1:12: error: operator '+' needs integer operands, but 'a' "
            "is a ufid\n"
            "on p print a +\n"
            "           ^~~\n");
}

TEST(Diagnostics, MultiByteCharactersTakeOneColumn) {
  Source source{"q.ovsq", "on p print \xc3\xa9t\xc3\xa9 + x"};
  Diagnostics diags(source);
  diags.error(DiagnosticKind::UnknownName, source.loc_at(11, 5),
              {"\xc3\xa9t\xc3\xa9"});
  diags.error(DiagnosticKind::UnknownName, source.loc_at(19), {"x"});
  EXPECT_EQ(diags.render(),
            "q.ovsq:1:12: error: unknown name '\xc3\xa9t\xc3\xa9'\n"
            "on p print \xc3\xa9t\xc3\xa9 + x\n"
            "           ^~~\n"
            "q.ovsq:1:20: error: unknown name 'x'\n"
            "on p print \xc3\xa9t\xc3\xa9 + x\n"
            "                 ^\n");
}

TEST(Diagnostics, MessageArguments) {
  Source source{"q.ovsq", "on p print x"};
  Diagnostics diags(source);
  Diagnostic& d = diags.error(DiagnosticKind::ProbeNotInBinary,
                              source.loc_at(3),
                              {"flow_result", "revalidate:flow_result",
                               "/usr/sbin/ovs-vswitchd"});
  EXPECT_EQ(d.message,
            "probe 'flow_result' (revalidate:flow_result) is not in "
            "/usr/sbin/ovs-vswitchd");
  // A placeholder without an argument stays as written.
  EXPECT_EQ(diags.error(DiagnosticKind::UnknownField, source.loc_at(3), {"p"})
                .message,
            "probe 'p' has no field '{1}'");
}

TEST(Diagnostics, KindNames) {
  EXPECT_STREQ(diagnostic_name(DiagnosticKind::SyntaxError), "SyntaxError");
  EXPECT_STREQ(diagnostic_name(DiagnosticKind::UnknownProbe), "UnknownProbe");
  EXPECT_STREQ(diagnostic_name(DiagnosticKind::DidYouMean), "DidYouMean");
}

// Every kind's message, with arguments A, B, C, in the order of
// diagnostic_kinds.def.  A new kind needs a line here.
TEST(Diagnostics, EveryKindsText) {
  const std::vector<std::pair<DiagnosticKind, std::string>> expected = {
#define K(Kind) DiagnosticKind::Kind
      {K(SyntaxError), "syntax error: A"},
      {K(NestedTooDeeply), "syntax error: expression nested too deeply"},
      {K(UnterminatedString), "syntax error: unterminated string literal"},
      {K(UnknownEscape),
       "syntax error: unknown escape sequence '\\A' in a string literal (use \\n, "
       "\\t, \\\\, \\\" or \\0)"},
      {K(UnclosedBlock), "syntax error: unclosed '{'"},
      {K(BlockNotClosed), "syntax error: expected '}' to close the block before 'A'"},
      {K(StatementsNeedBraces),
       "syntax error: expected a new clause; a clause with several statements needs "
       "them in '{ ... }'"},
      {K(IntegerTooLarge), "integer literal 'A' does not fit in 64 bits"},
      {K(EmptyProgram),
       "the query is empty: write a clause such as 'on <probe> print <expr>' "
       "or 'on <probe> count by <expr>'"},
      {K(DurationTooLarge), "duration 'A' does not fit in 64 bits of nanoseconds"},
      {K(RunLimitNeedsDuration), "'A' needs a duration such as 1s or 100ms"},
      {K(LimitNeedsCount),
       "'limit' needs a number of rows such as 100, not a duration"},
      {K(RunLimitIsZero), "'A' needs a value greater than zero"},
      {K(DuplicateRunLimit), "'A' is given twice"},
      {K(InvalidUfidLiteral),
       "invalid ufid literal 'A': a ufid is written as OVS prints it, ufid: "
       "and 32 hex digits grouped 8-4-4-4-12"},
      {K(InvalidIpv4Literal),
       "invalid IPv4 address 'A': four decimal numbers from 0 to 255"},
      {K(InvalidAddressLiteral),
       "invalid address 'A': expected an IPv6 address such as 2001:db8::1 or "
       "a MAC address such as 0e:04:47:fc:74:51"},
      {K(UnknownProbe), "unknown probe 'A'"},
      {K(ProbeNotInBinary), "probe 'A' (B) is not in C"},
      {K(UnknownField), "probe 'A' has no field 'B'"},
      {K(FieldNotShared),
       "field 'A' is not an argument of every probe of this clause: 'B' has "
       "none"},
      {K(UnknownName), "unknown name 'A'"},
      {K(UnknownEnumConstant), "unknown enum constant 'A'"},
      {K(UnknownMember), "'A' has no member 'B'"},
      {K(CatalogMismatch), "A"},
      {K(DuplicateProbe), "probe 'A' is named twice in this clause"},
      {K(ArrowOnNonPointer),
       "'->' needs a pointer to a struct or union, but 'A' is B"},
      {K(DotOnNonAggregate), "'.' needs a struct or union, but 'A' is B"},
      {K(OpaqueStruct),
       "'A' is B, whose layout the debug info does not describe"},
      {K(BitFieldMember), "'A' is a bit-field, which ovsq cannot read yet"},
      {K(NotAValue),
       "'A' is B; only integers, enums, pointers, ufids and strings can be "
       "used as values"},
      {K(TypeMismatch), "cannot compare A with B"},
      {K(EnumMismatch), "'A' is a constant of B, but the other side is C"},
      {K(OperandNotInteger), "operator 'A' needs integer operands, but 'B' is C"},
      {K(PredicateNotScalar),
       "a 'where' condition must be an integer or a comparison, but 'A' is B"},
      {K(DivisionByZero), "division by zero"},
      {K(StringOrdering),
       "strings can only be compared with == and !=, not 'A'"},
      {K(StringComparison), "a string can only be compared with a string literal"},
      {K(StrNotPointer), "str() reads text at a pointer, but 'A' is B"},
      {K(UnknownFlowField), "the flow key has no field 'A'"},
      {K(FlowKeyNeedsField),
       "'A' is a flow-key attribute with fields: write 'A.<field>', e.g. 'A.B'"},
      {K(AddressOrdering), "A can only be compared with == and !=, not 'B'"},
      {K(AddressComparison), "A can only be compared with a literal such as B"},
      {K(MeaningNotEnum),
       "meaning() takes an enum value such as 'reason', but 'A' is B"},
      {K(StrBadLength), "the length of str() must be an integer literal from 2 to A"},
      {K(UnknownFunction), "unknown function 'A'"},
      {K(AggregationInExpression),
       "aggregation 'A' can only be a statement ('A(...) by key') or a map's "
       "value ('@name[key] = A(...)'), not part of an expression"},
      {K(WrongArgumentCount), "'A' takes B, but was given C"},
      {K(AggregationValueNotInteger), "'A' needs an integer value, but 'B' is C"},
      {K(LhistNotConstant), "the A of lhist must be an integer literal"},
      {K(LhistBadRange),
       "lhist needs min < max and step > 0 (min A, max B, step C), with at "
       "most {3} buckets"},
      {K(AggregationRead),
       "'A' is an aggregation: its value is only known when it is printed, so "
       "it cannot be read"},
      {K(UnknownMap), "unknown map 'A': no statement assigns to it"},
      {K(MapKeyCountMismatch), "'A' is used with B here, but with C at {3}"},
      {K(MapKeyTypeMismatch), "key 'A' is B, but 'C' is keyed by {3} at {4}"},
      {K(MapValueTypeMismatch), "'A' is assigned B here, but C at {3}"},
      {K(MapValueNotScalar),
       "a map value must be an integer, enum or pointer, but 'A' is B"},
      {K(FlowKeyAsMapKey),
       "'A' is a whole flow key, which cannot be a map key: use its fields, "
       "such as 'key.ipv4.src'"},
      {K(MapKindMismatch), "'A' is B (at C); {3}"},
      {K(PrintfBadConversion),
       "unknown printf conversion 'A' (use %d %i %u %x %X %o %c %s %p, or %% "
       "for '%')"},
      {K(PrintfArgCount), "the format has A, but printf has B after it"},
      {K(PrintfTypeMismatch), "'A' needs B, but 'C' is {3}"},
      {K(StackTooLarge),
       "this clause needs more than the 512 bytes of stack a BPF program may use: "
       "give it fewer statements, keys or strings, or split it into several clauses"},
      {K(FlowFilterEmpty),
       "the filter is empty: write fields as dpctl/dump-flows prints them, e.g. "
       "ipv4(src=192.168.10.10)"},
      {K(FlowFilterNeedsAttribute), "expected an attribute such as ipv4(...)"},
      {K(FlowFilterNeedsParen), "expected '(' after 'A'"},
      {K(FlowFilterNeedsEquals), "expected '=' after 'A'"},
      {K(FlowFilterUnclosed), "expected ')' to close 'A('"},
      {K(FlowFilterNeedsComma), "expected ',' between attributes"},
      {K(FlowFilterValue), "'A' is not a value of B: expected C"},
      {K(DidYouMean), "did you mean 'A'?"},
#undef K
  };
  size_t kinds = 0;
#define DIAGNOSTIC(Kind, Format) ++kinds;
#include "frontend/diagnostic_kinds.def"
#undef DIAGNOSTIC
  EXPECT_EQ(expected.size(), kinds) << "a kind in diagnostic_kinds.def has no "
                                       "line here";
  Source source{"q.ovsq", "x"};
  Diagnostics diags(source);
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(static_cast<size_t>(expected[i].first), i)
        << diagnostic_name(expected[i].first) << " is out of order";
  for (const auto& [kind, text] : expected)
    EXPECT_EQ(diags.error(kind, source.loc_at(0), {"A", "B", "C"}).message, text)
        << diagnostic_name(kind);
}

TEST(NearestName, Typos) {
  EXPECT_EQ(nearest_name("FDR_FLOW_IDEL", kReasons), "FDR_FLOW_IDLE");
  EXPECT_EQ(nearest_name("flow_reslt", {"flow_put", "flow_result",
                                        "flow_sweep_result"}),
            "flow_result");
  EXPECT_EQ(nearest_name("fdr_flow_idle", kReasons), "FDR_FLOW_IDLE");
  EXPECT_EQ(nearest_name("ky", {"key", "key_len"}), "key");
  EXPECT_EQ(nearest_name("wher", {"where", "print"}), "where");
}

TEST(NearestName, FarNamesAreNotSuggested) {
  EXPECT_EQ(nearest_name("UKEY_DELETE", kReasons), "");
  EXPECT_EQ(nearest_name("sweep", {"flow_put", "flow_result"}), "");
  EXPECT_EQ(nearest_name("x", {"abc", "pid"}), "");
  EXPECT_EQ(nearest_name("anything", {}), "");
  // An exact match is no suggestion.
  EXPECT_EQ(nearest_name("pid", {"pid"}), "");
}

TEST(NearestName, Threshold) {
  // Up to max(1, len/3) edits: 9 letters allow 3, 2 letters allow 1.
  EXPECT_EQ(nearest_name("abcdefxyz", {"abcdefghi"}), "abcdefghi");
  EXPECT_EQ(nearest_name("abcdewxyz", {"abcdefghi"}), "");
  EXPECT_EQ(nearest_name("ab", {"ax"}), "ax");
  EXPECT_EQ(nearest_name("ab", {"xy"}), "");
}

TEST(NearestName, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(nearest_name("pmd", {"pid", "pmd_id", "pmd_"}), "pid");
  EXPECT_EQ(nearest_name("cat", {"bat", "hat"}), "bat");
  EXPECT_EQ(nearest_name("cat", {"hat", "bat"}), "hat");
}

TEST(Source, LinesAndLocations) {
  Source source{"q", "ab\ncd\r\n\nef"};
  EXPECT_EQ(source.line_text(1), "ab");
  EXPECT_EQ(source.line_text(2), "cd");
  EXPECT_EQ(source.line_text(3), "");
  EXPECT_EQ(source.line_text(4), "ef");
  EXPECT_EQ(source.line_text(5), "");
  SourceLoc loc = source.loc_at(8, 2);
  EXPECT_EQ(loc.line, 4u);
  EXPECT_EQ(loc.column, 1u);
  EXPECT_EQ(loc.offset, 8u);
  EXPECT_EQ(loc.length, 2u);
  EXPECT_EQ(source.text_at(loc), "ef");
  EXPECT_EQ(source.loc_at(3, 0).length, 1u);
  EXPECT_EQ(source.loc_at(11).column, 3u);
}

}  // namespace
}  // namespace ovsq::frontend
