#include <gtest/gtest.h>

// Placeholder until this test is written.
TEST(EventLoopTest, NotWrittenYet) { GTEST_SKIP() << "not written yet"; }
