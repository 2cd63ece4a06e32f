#include <gtest/gtest.h>

// Placeholder until this test is written.
TEST(SessionHelpTest, NotWrittenYet) { GTEST_SKIP() << "not written yet"; }
