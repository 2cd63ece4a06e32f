// frontend/printf_format: how a printf format splits into conversions.
#include "frontend/printf_format.h"

#include <gtest/gtest.h>

namespace ovsq::frontend {
namespace {

TEST(PrintfFormat, SplitsLiteralsAndConversions) {
  std::vector<FormatConversion> parts;
  FormatError error;
  ASSERT_TRUE(parse_format("ufid %s: %-8llu|%05.2x 100%%\n", parts, error));
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].literal, "ufid ");
  EXPECT_EQ(parts[0].spec.text, "%s");
  EXPECT_EQ(parts[0].offset, 5u);
  EXPECT_EQ(parts[1].literal, ": ");
  EXPECT_EQ(parts[1].spec.text, "%-8u");  // length modifiers dropped
  EXPECT_EQ(parts[1].length, 6u);
  EXPECT_EQ(parts[2].literal, "|");
  EXPECT_EQ(parts[2].spec.width, 5);
  EXPECT_EQ(parts[2].spec.precision, 2);
  EXPECT_TRUE(parts[2].spec.zero);
  EXPECT_EQ(parts[2].spec.letter, 'x');
  EXPECT_EQ(parts[2].spec.text, "%05.2x");
  EXPECT_FALSE(parts[3].has_conversion);  // trailing text only
  EXPECT_EQ(parts[3].literal, " 100%\n");
}

TEST(PrintfFormat, NoConversions) {
  std::vector<FormatConversion> parts;
  FormatError error;
  ASSERT_TRUE(parse_format("", parts, error));
  EXPECT_TRUE(parts.empty());
  ASSERT_TRUE(parse_format("hello", parts, error));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].literal, "hello");
}

TEST(PrintfFormat, RejectsUnknownAndUnfinished) {
  std::vector<FormatConversion> parts;
  FormatError error;
  EXPECT_FALSE(parse_format("a %q b", parts, error));
  EXPECT_EQ(error.conversion, "%q");
  EXPECT_EQ(error.offset, 2u);
  EXPECT_FALSE(parse_format("100%", parts, error));
  EXPECT_EQ(error.conversion, "%");
  EXPECT_FALSE(parse_format("%-5", parts, error));
  EXPECT_EQ(error.conversion, "%-5");
  EXPECT_FALSE(parse_format("%f", parts, error));  // no floating point
  EXPECT_FALSE(parse_format("%n", parts, error));
  EXPECT_FALSE(parse_format("%*d", parts, error));  // no '*'
  EXPECT_EQ(error.conversion, "%*");
}

}  // namespace
}  // namespace ovsq::frontend
